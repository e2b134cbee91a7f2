"""Helpers for browser tests: JupyterLab, Debian's chromium through Playwright, screenshots.

Generic on purpose: the lesson tests (``tests/test_browser_lab.py``) and other
browser tests (a JupyterHub one, say) share :func:`launch_chromium`,
:func:`screenshot` and :func:`browser_missing`.

The browser is the system's chromium (``scripts/install-browser.sh``, run by
``make system``), driven by the ``playwright`` Python package. Never run
``playwright install``: it downloads a browser build of its own, which fails
on the course machines.

Typical use in a test::

    from browser_support import VIEWPORT, browser_missing, launch_chromium, screenshot
    from conftest import require

    require(browser_missing())  # skips with the reason; fails under CI=true
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(url)
        screenshot(page, "hub/01-login")  # build/screenshots/hub/01-login.png

For JupyterLab: :func:`start_lab` (a server started as ``make lab`` starts it, on a
free port with fresh settings and a copy of the notebooks; :meth:`LabServer.stop`), :func:`open_notebook`,
:func:`run_all_cells`, :func:`wait_idle`, :func:`menu`, :func:`open_section`,
:func:`tool_output` and :func:`widget_by_label`.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import socket
import subprocess
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "build" / "screenshots"  # git ignores build/; CI keeps it
CHROMIUM = "/usr/bin/chromium"
# Headless and quiet: no GPU, no QUIC, no calls home (only the registries are reachable here).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 1000}


def browser_missing() -> str | None:
    """Say what is missing for a browser test, or ``None`` when chromium and playwright are there.

    Pass the answer to ``conftest.require``: the test skips with the reason,
    or fails under ``CI=true``.
    """
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -e '.[test]')"
    if not Path(CHROMIUM).exists():
        return (
            f"no browser at {CHROMIUM}: run `make system` as root "
            "(scripts/install-browser.sh installs Debian's chromium)"
        )
    return None


def launch_chromium(playwright, **options):
    """Start Debian's headless chromium through Playwright and return the ``Browser``.

    Parameters
    ----------
    playwright : playwright.sync_api.Playwright
        From ``sync_playwright().start()`` or ``with sync_playwright() as playwright``.
    **options
        More keyword arguments for ``playwright.chromium.launch``; ``args`` are
        added to :data:`CHROMIUM_ARGS`.
    """
    args = CHROMIUM_ARGS + list(options.pop("args", []))
    return playwright.chromium.launch(executable_path=CHROMIUM, args=args, **options)


def chromium_session(**options):
    """Yield a running chromium (see :func:`launch_chromium`) and close it after: the body of a browser fixture.

    >>> @pytest.fixture(scope="module")
    ... def browser():
    ...     yield from chromium_session()
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright, **options)
        yield chromium
        chromium.close()


def screenshot(page, name: str, *, element=None, full_page: bool = False, folder: Path = SCREENSHOTS) -> Path:
    """Save a PNG of ``page`` as ``build/screenshots/NAME.png`` and return its path.

    Parameters
    ----------
    page : playwright.sync_api.Page
        The page; the shot is of its viewport (JupyterLab scrolls inside its
        own panels, so a "full page" shot of Lab shows no more).
    name : str
        File name without ``.png``; ``/`` groups shots in sub-folders
        (``"topic03/01-run-all"``).
    element : playwright.sync_api.Locator, optional
        Scrolled to the top of its scrolling panel first, so that the shot
        shows it in its context.
    full_page : bool
        For ordinary pages that scroll as a whole (a hub's, say).
    """
    path = folder / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    if element is not None:
        element.evaluate("node => node.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(path), full_page=full_page)
    return path


# --------------------------------------------------------------------------- JupyterLab


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LabServer:
    """A running JupyterLab: its address, token, served folder and process."""

    port: int
    token: str
    root: Path
    process: subprocess.Popen
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "lab") -> str:
        """Address of a Lab page with the token, e.g. ``url("lab/tree/03.ipynb")``."""
        separator = "&" if "?" in path else "?"
        return f"{self.base_url}/{path.lstrip('/')}{separator}token={self.token}"

    def notebook_url(self, name: str, workspace: str | None = None) -> str:
        """Address that opens notebook ``name`` (relative to the root) in Lab.

        With ``workspace``, Lab opens it in that workspace, emptied first
        (``?reset``), so tabs of other pages are not restored beside it.
        """
        if workspace is None:
            return self.url(f"lab/tree/{name}")
        return self.url(f"lab/workspaces/{workspace}/tree/{name}?reset")

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's log, for failure messages."""
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop the server (and its kernels) and wait for it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_lab(
    workdir: Path, notebooks: list[Path] = (), *, participant_view: bool = False, timeout: float = 60
) -> LabServer:
    """Start JupyterLab on a free port as ``make lab`` does, serving fresh copies of notebooks.

    The command line, the participant profile (``deploy/participant/``) and
    the kernels' environment come from :mod:`ocopkit.trainer.lab_profile`,
    which ``make lab`` runs: no settings of the tests' own. Only what keeps a
    test repeatable is added: a token, a fixed port, and fresh ``settings/``,
    ``workspaces/`` and per-user Jupyter folders in ``workdir`` (so Lab reopens
    no old tabs and reads nothing from ``$HOME``).

    ``workdir`` gets ``root/``, the served folder: copies of ``notebooks``,
    or with ``participant_view=True`` what ``make lab`` serves (``course/``
    and ``exercises/``), copied; and ``lab.log``. Stop it with :meth:`LabServer.stop`.
    """
    from ocopkit.trainer import lab_profile

    workdir = Path(workdir)
    root, settings, workspaces = workdir / "root", workdir / "settings", workdir / "workspaces"
    for folder in (root, settings, workspaces):
        folder.mkdir(parents=True, exist_ok=True)
    if participant_view:
        lab_profile.participant_root(root, copy=True)
    for notebook in notebooks:
        shutil.copy(notebook, root / Path(notebook).name)
    port, token = free_port(), uuid.uuid4().hex
    log = workdir / "lab.log"
    command = lab_profile.command(root, port=port) + [
        f"--IdentityProvider.token={token}",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={workspaces}",
        "--ServerApp.port_retries=0",
        "--KernelManager.shutdown_wait_time=1",  # a test's kernels need no grace at stop
    ]
    # Jupyter's and IPython's per-user folders inside workdir: nothing read from or written to $HOME.
    env = dict(
        lab_profile.environment(),
        JUPYTER_RUNTIME_DIR=str(workdir / "runtime"),
        JUPYTER_CONFIG_DIR=str(workdir / "config"),
        JUPYTER_DATA_DIR=str(workdir / "data"),
        IPYTHONDIR=str(workdir / "ipython"),
    )
    with open(log, "wb") as handle:
        process = subprocess.Popen(
            command, cwd=root, env=env, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    server = LabServer(port, token, root, process, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url("api/status"), timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n{server.log_tail()}")


# --------------------------------------------------------------------------- waiters

IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle']:visible"
BUSY_PROMPT = ".jp-InputArea-prompt:text-is('[*]:')"


def open_notebook(page, server: LabServer, name: str, *, timeout: float = 60_000) -> None:
    """Open notebook ``name`` in Lab, alone in a workspace of its own, and wait for its kernel.

    A workspace per notebook lets several pages share one server without each
    restoring the others' tabs.
    """
    page.goto(server.notebook_url(name, workspace=re.sub(r"\W+", "-", Path(name).stem)))
    page.locator(".jp-NotebookPanel:visible").first.wait_for(timeout=timeout)
    wait_idle(page, timeout=timeout)


def wait_idle(page, *, timeout: float = 60_000) -> None:
    """Wait until the notebook's kernel is idle and no cell waits to run (``[*]``).

    The status bar must say "| Idle": the toolbar's execution indicator already
    reads idle while the kernel is still initialising, and a Run All then is lost.
    """
    page.locator(IDLE).first.wait_for(timeout=timeout)
    page.wait_for_function(
        """() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]
                    .some(item => /\\|\\s*Idle$/.test(item.textContent.trim()))
                 && ![...document.querySelectorAll('.jp-InputArea-prompt')]
                    .some(prompt => prompt.textContent.includes('*'))""",
        timeout=timeout,
    )


@functools.cache
def lab_translations() -> dict[str, list[str]]:
    """The Vietnamese language pack's messages (``{"menu\\x04File": ["Tệp"], ...}``), empty if it is missing."""
    import importlib.util

    spec = importlib.util.find_spec("jupyterlab_language_pack_vi_VN")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(spec.submodule_search_locations[0]) / "locale" / "vi_VN" / "LC_MESSAGES" / "jupyterlab.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def lab_label(text: str, context: str = "menu") -> re.Pattern:
    """A pattern matching Lab's label ``text`` in English or as the Vietnamese pack translates it.

    The participant profile shows Lab in Vietnamese, one setting away from
    English; tests name labels in English and match either.
    """
    translations = lab_translations()
    names = [text, *translations.get(f"{context}\x04{text}", []), *translations.get(text, [])]
    return re.compile("^(" + "|".join(re.escape(name) for name in dict.fromkeys(names)) + ")$")


def menu(page, *path: str) -> None:
    """Click through Lab's menu bar, e.g. ``menu(page, "Run", "Run All Cells")`` (also in Vietnamese)."""
    page.locator(".lm-MenuBar-itemLabel", has_text=lab_label(path[0])).click()
    for label in path[1:]:
        page.locator(".lm-Menu-itemLabel", has_text=lab_label(label)).click()


def run_all_cells(page, *, timeout: float = 120_000) -> None:
    """Run All Cells through the Run menu and wait until every cell has run.

    Raises ``AssertionError`` when a cell's output shows a Python error.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    menu(page, "Run", "Run All Cells")
    # Wait for the run to start (a [*] prompt) before waiting for it to end.
    try:
        page.locator(BUSY_PROMPT).first.wait_for(timeout=5_000)
    except PlaywrightTimeout:  # a fast notebook may be done already
        pass
    wait_idle(page, timeout=timeout)
    errors = page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']", has_text="Traceback"
    )
    if errors.count():
        raise AssertionError("A cell failed:\n" + errors.first.inner_text())


def widget_by_label(scope, label: str, kind: str = ".widget-inline-hbox"):
    """The widget (e.g. a text box or slider) whose description starts with ``label``.

    ``scope`` is a page or a locator; ``kind`` narrows the widget's CSS class,
    e.g. ``".widget-text"`` or ``".widget-slider"``. Returns a locator of its
    outer element: ``.locator("input")`` is a text box's input,
    ``.locator(".noUi-handle")`` a slider's handle.
    """
    page = scope if hasattr(scope, "goto") else scope.page  # inner locators come from the page
    pattern = re.compile("^" + re.escape(label))
    return scope.locator(kind).filter(has=page.locator("label.widget-label", has_text=pattern))


def open_section(scope, title) -> None:
    """Open the accordion section titled ``title`` (an ipywidgets ``Accordion``) unless it is open.

    ``title`` is the exact title, or a compiled regular expression to search it.
    """
    page = scope if hasattr(scope, "goto") else scope.page
    pattern = title if isinstance(title, re.Pattern) else re.compile(f"^{re.escape(title)}$")
    section = (
        scope.locator(".jupyter-widget-Collapse")
        .filter(has=page.locator(".jupyter-widget-Collapse-header", has_text=pattern))
        .first
    )
    if "jupyter-widget-Collapse-open" not in (section.get_attribute("class") or ""):
        section.locator(".jupyter-widget-Collapse-header").click()
    section.locator(".jupyter-widget-Collapse-contents").wait_for(state="visible")


def tool_output(page, label: str):
    """The cell output holding the tool that has a widget labelled ``label``."""
    return page.locator(".jp-OutputArea-output").filter(
        has=page.locator("label.widget-label", has_text=re.compile("^" + re.escape(label)))
    )
