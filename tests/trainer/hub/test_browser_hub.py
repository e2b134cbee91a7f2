"""A participant's first assignment on the real JupyterHub, in a real browser (issue 8).

One run on the local hub of ``tests/hub_support.py``: the trainer releases
Topic 8 through formgrader's REST API (as ``tests/trainer/hub/test_hub.py`` does); then a
participant, in Debian's headless chromium, logs in on the hub's login page
(typing user name and password), waits for their server, opens nbgrader's
Assignment List from the "Nbgrader" menu, sees ``topic08``, fetches it, opens
the fetched notebook and presses Validate on its toolbar. The notebook is
untouched, so its exercises fail their tests: the "Validation Results" dialog
must say so. Each step is saved under ``build/screenshots/hub/``.
"""

from __future__ import annotations

import re

import pytest

from browser_support import VIEWPORT, browser_missing, chromium_session, menu, screenshot, wait_idle
from conftest import require
from hub_support import PARTICIPANTS, hub  # noqa: F401 - hub is the fixture

pytestmark = pytest.mark.slow

ASSIGNMENT = "topic08"
STEP = 30_000  # ms for one ordinary step in the page
SPAWN = 120_000  # ms for login, spawn and Lab's first load (20-40 s on a loaded machine)
VALIDATE = 120_000  # ms for nbgrader to run the notebook's tests


@pytest.fixture(scope="module")
def browser():
    """Debian's headless chromium; checked before the (costly) hub starts."""
    require(browser_missing())
    yield from chromium_session()


@pytest.fixture(scope="module")
def released(browser, hub):  # noqa: F811 - the fixture imported above
    """The trainer releases Topic 8 from formgrader, over REST, as tests/trainer/hub/test_hub.py does."""
    trainer = hub.spawn(hub.trainer)
    answer = trainer.json("POST", f"formgrader/api/assignment/{ASSIGNMENT}/release")
    assert answer.get("success"), f"release: {answer}"
    return hub


def expect(locator):
    """Playwright's ``expect``, imported only once ``require`` has checked that it exists."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def test_participant_fetches_and_validates_topic08_in_the_browser(browser, released):
    hub = released  # noqa: F811 - the hub the fixture released Topic 8 in
    user = PARTICIPANTS[0]
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(STEP)
    try:
        # 1. The hub's real login page: type the user name and password, submit.
        page.goto(f"{hub.url}/hub/login")
        page.locator("#username_input").fill(user)
        page.locator("#password_input").fill(hub.password)
        screenshot(page, "hub/01-login")
        page.locator("#login_submit").click()

        # 2. The hub starts the participant's server and opens JupyterLab (default_url /lab).
        page.wait_for_url(re.compile(rf"/user/{re.escape(user)}/lab"), timeout=SPAWN)
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Nbgrader$")).wait_for(timeout=SPAWN)
        screenshot(page, "hub/02-lab")

        # 3. Nbgrader -> Assignment List: Topic 8 is there, released, with a Fetch button.
        menu(page, "Nbgrader", "Assignment List")
        released_row = page.locator("#released_assignments_list .list_item", has_text=ASSIGNMENT)
        expect(released_row).to_be_visible(timeout=SPAWN)
        fetch = released_row.locator("button", has_text=re.compile("^Fetch$"))
        expect(fetch).to_be_visible()
        screenshot(page, "hub/03-assignment-list")

        # 4. Fetch: the assignment moves to the downloaded list.
        fetch.click()
        fetched_link = page.locator("#fetched_assignments_list .assignment-notebooks-link", has_text=ASSIGNMENT)
        expect(fetched_link).to_be_visible(timeout=SPAWN)
        expect(page.locator("#released_assignments_list .list_item", has_text=ASSIGNMENT)).to_have_count(0)
        fetched_link.click()  # unfold the assignment's notebooks
        notebook_link = page.locator(
            "#fetched_assignments_list .nested_list_item a", has_text=re.compile(f"^{ASSIGNMENT}$")
        )
        expect(notebook_link).to_be_visible()
        screenshot(page, "hub/04-fetched")

        # 5. Open the fetched notebook from the list.
        notebook_link.click()
        panel = page.locator(".jp-NotebookPanel:visible").first
        panel.wait_for(timeout=SPAWN)
        validate = panel.locator(".jp-Toolbar .validate-button")
        expect(validate).to_be_visible(timeout=SPAWN)
        expect(page.locator(".lm-TabBar-tab.lm-mod-current", has_text=f"{ASSIGNMENT}.ipynb").first).to_be_visible()
        panel.locator(".jp-Cell").first.wait_for(timeout=SPAWN)
        wait_idle(page, timeout=SPAWN)  # its kernel has started: the page is fully drawn
        screenshot(page, "hub/05-notebook")

        # 6. Validate the untouched notebook: the dialog reports failing tests.
        validate.click()
        dialog = page.locator(".jp-Dialog", has_text="Validation Results")
        expect(dialog).to_be_visible(timeout=VALIDATE)
        # nbgrader gives the dialog's body the class of the outcome: validation-failed.
        body = dialog.locator(".validation-failed")
        expect(body).to_be_visible()
        text = body.inner_text()
        assert "The following cell failed:" in text, text[:2000]
        assert "Success!" not in text, text[:2000]
        assert "AssertionError" in text, text[:2000]  # a failing test's traceback is shown
        screenshot(page, "hub/06-validation-failed")
        dialog.locator(".jp-Dialog-button.jp-mod-accept").first.click()  # "Đồng ý": Lab speaks Vietnamese
        expect(dialog).to_have_count(0)
    except Exception:
        screenshot(page, "hub/99-failure")
        raise
    finally:
        context.close()
