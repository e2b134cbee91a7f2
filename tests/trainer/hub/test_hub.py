"""The course on a real multi-user JupyterHub, end to end, as a cohort uses it.

One module-scoped run (tests/hub_support.py starts a hub of its own): the
trainer releases Topic 8 from formgrader; two participants fetch it, answer
(one right, tests/submissions/topic08/full; one partly right, .../syntax_error),
validate and submit through their own servers' REST APIs; the trainer
collects; root grades with ``ocop hub grade`` (the real ``ocop grade``, in the
sandbox); the trainer generates and releases feedback; the participants fetch
it. Real JupyterHub, real Linux users, real nbgrader exchange, no mocks.
"""

from __future__ import annotations

import os
import pwd
import stat
import subprocess
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ocopkit.i18n import _, format_number
from ocopkit.trainer import lab_profile, sandbox
from ocopkit.trainer.hub import config, setup

from conftest import REPO, SUBMISSIONS, require
from hub_support import PARTICIPANTS, hub  # noqa: F401 - hub is the fixture

pytestmark = pytest.mark.slow

ASSIGNMENT = "topic08"
NOTEBOOK = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
# The second participant's work fails a visible check (a syntax error leaves Part 1's names undefined): validate can
# only tell what the visible checks see, and they test type, range and consistency, never the values themselves.
ANSWERS = dict(zip(PARTICIPANTS, ("full", "syntax_error"), strict=True))
EXPECTED = tomllib.loads((SUBMISSIONS / ASSIGNMENT / "expected.toml").read_text(encoding="utf-8"))


@dataclass
class RoundTrip:
    """What each step answered, for the tests below to check."""

    validations: dict = field(default_factory=dict)
    submissions: dict = field(default_factory=dict)
    grading: subprocess.CompletedProcess | None = None
    feedback: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)


def succeeded(answer: dict, what: str) -> dict:
    assert answer.get("success"), f"{what}: {answer}"
    return answer


@pytest.fixture(scope="module")
def round_trip(hub):  # noqa: F811 - the fixture imported above
    require(sandbox.unavailable_reason())  # ocop grade runs participants' code in bubblewrap
    trip, started = RoundTrip(), time.monotonic()
    course = {"course_id": hub.course_id, "assignment_id": ASSIGNMENT}
    trainer, *participants = hub.spawn(hub.trainer, *PARTICIPANTS)
    trip.seconds["servers"] = time.monotonic() - started

    succeeded(trainer.json("POST", f"formgrader/api/assignment/{ASSIGNMENT}/release"), "release")
    for server in participants:
        listed = succeeded(server.json("GET", "assignments", params={"course_id": hub.course_id}), "list")
        assert [a["status"] for a in listed["value"] if a["assignment_id"] == ASSIGNMENT] == ["released"]
        succeeded(server.json("POST", "assignments/fetch", data=course), "fetch")
        server.upload_notebook(NOTEBOOK, SUBMISSIONS / ASSIGNMENT / ANSWERS[server.user] / f"{ASSIGNMENT}.ipynb")
        trip.validations[server.user] = succeeded(
            server.json("POST", "assignments/validate", data={"path": NOTEBOOK}), "validate"
        )["value"]
        succeeded(server.json("POST", "assignments/submit", data=course), "submit")
    trip.seconds["release, fetch, validate, submit"] = time.monotonic() - started

    succeeded(trainer.json("POST", f"formgrader/api/assignment/{ASSIGNMENT}/collect"), "collect")
    mark = time.monotonic()
    # Grading runs participants' code, so it is root's, in the sandbox (as a trainer would: sudo).
    trip.grading = subprocess.run(
        [
            str(hub.settings.env_bin / "ocop"),
            "hub",
            "grade",
            ASSIGNMENT,
            "--state-dir",
            str(hub.settings.state_dir),
            "--workers",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "OCOP_LANG": "en"},
    )
    assert trip.grading.returncode == 0, trip.grading.stdout + trip.grading.stderr
    trip.seconds["ocop hub grade"] = time.monotonic() - mark

    listed = trainer.json("GET", f"formgrader/api/submissions/{ASSIGNMENT}")
    trip.submissions = {s["student"]: s for s in listed}
    succeeded(trainer.json("POST", f"formgrader/api/assignment/{ASSIGNMENT}/generate_feedback"), "generate feedback")
    succeeded(trainer.json("POST", f"formgrader/api/assignment/{ASSIGNMENT}/release_feedback"), "release feedback")
    for server in participants:
        succeeded(server.json("POST", "assignments/fetch_feedback", data=course), "fetch feedback")
        folder = server.json("GET", f"api/contents/{ASSIGNMENT}/feedback")["content"]
        assert len(folder) == 1, folder
        page = server.json("GET", f"api/contents/{folder[0]['path']}/{ASSIGNMENT}.html")
        trip.feedback[server.user] = page["content"]
    trip.seconds["total"] = time.monotonic() - started
    print("hub round trip:", ", ".join(f"{k} {v:.1f} s" for k, v in trip.seconds.items()))
    return trip


class TestRoundTrip:
    def test_scores_are_as_expected(self, round_trip):
        for user, variant in ANSWERS.items():
            submission = round_trip.submissions[user]
            assert submission["autograded"], submission
            assert (submission["score"], submission["max_score"]) == (
                EXPECTED[variant]["score"],
                EXPECTED["max_score"],
            ), (user, variant)

    def test_grading_was_sandboxed_and_named_no_failure(self, round_trip):
        out = round_trip.grading.stdout
        assert "2 submissions: 2 graded, 0 failed." in out, out

    def test_validate_tells_right_from_partly_right(self, round_trip):
        right, partly = (round_trip.validations[user] for user in PARTICIPANTS)
        assert right == {}, right  # nbgrader's answer when every visible test passes
        assert set(partly) == {"failed"} and partly["failed"], partly

    def test_each_participant_gets_their_feedback_without_hidden_tests(self, round_trip):
        for user, variant in ANSWERS.items():
            page = round_trip.feedback[user]
            figures = {
                "score": format_number(EXPECTED[variant]["score"]),
                "maximum": format_number(EXPECTED["max_score"]),
            }
            totals = [
                _(text).format(**figures)
                for text in ("Score: {score} / {maximum}", "Score: {score} / {maximum} so far")
            ]
            assert any(total in page for total in totals), (user, totals)
            for hidden in ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
                assert hidden not in page

    def test_course_directory_stays_the_trainers_after_root_graded(self, hub, round_trip):  # noqa: F811
        trainer_uid = pwd.getpwnam(hub.trainer).pw_uid
        course = hub.course_dir
        assert (course / "autograded").is_dir() and (course / "feedback").is_dir()
        strangers = [p for p in [course, *course.rglob("*")] if p.lstat().st_uid != trainer_uid]
        assert not strangers, strangers[:5]


class TestPrivacy:
    def test_homes_and_course_are_private(self, hub):  # noqa: F811
        for user in hub.settings.users:
            assert stat.S_IMODE(hub.home(user).stat().st_mode) == 0o700, user
        assert stat.S_IMODE(hub.course_dir.stat().st_mode) == 0o700

    def test_a_participant_cannot_read_others_work_or_the_solutions(self, hub, round_trip):  # noqa: F811
        lan, hung = PARTICIPANTS
        targets = [
            hub.home(hung) / NOTEBOOK,
            hub.home(hung),
            hub.course_dir / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
            hub.course_dir / "gradebook.db",
            hub.course_dir / "submitted" / hung / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
            # the hub's own state: its database, cookie secret and settings (the password)
            hub.settings.state_dir,
            hub.settings.state_dir / "jupyterhub.sqlite",
            hub.settings.state_dir / "jupyterhub_cookie_secret",
            hub.settings.state_dir / "settings.json",
        ]
        for target in targets:
            assert target.exists(), target  # it is there: the refusal below is not for want of a file
            command = ["ls", target] if target.is_dir() else ["cat", target]
            done = hub.run_as(lan, command)
            assert done.returncode != 0 and "Permission denied" in done.stderr, (target, done.stdout[:200])

    def test_a_participant_cannot_reach_another_server_or_leave_their_home(self, hub, round_trip):  # noqa: F811
        lan, hung = (hub.spawn(user) for user in PARTICIPANTS)
        assert lan.get("api/contents").status_code == 200
        other = lan.session.get(f"{hung.base}api/contents/{NOTEBOOK}", allow_redirects=False, timeout=30)
        assert other.status_code == 403, other.status_code
        for path in (f"../{hung.user}/{NOTEBOOK}", f"%2E%2E/{hung.user}/{NOTEBOOK}"):
            answer = lan.get(f"api/contents/{path}")
            assert answer.status_code in (400, 403, 404), (path, answer.status_code)
            assert "cell_type" not in answer.text

    def test_servers_run_as_their_own_user_in_the_cohorts_language(self, hub, round_trip):  # noqa: F811
        for user in hub.settings.users:
            pid = hub.spawn(user).pid()
            status = Path(f"/proc/{pid}/status").read_text()
            uid = int(next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1])
            assert uid == pwd.getpwnam(user).pw_uid, user
            environ = dict(
                item.split("=", 1) for item in Path(f"/proc/{pid}/environ").read_text().split("\0") if "=" in item
            )
            assert environ["OCOP_LANG"] == hub.settings.lang == "vi"
            assert environ["PATH"].startswith(f"{hub.settings.env_bin}:")
        fetched = hub.home(PARTICIPANTS[0]) / NOTEBOOK
        assert fetched.stat().st_uid == pwd.getpwnam(PARTICIPANTS[0]).pw_uid

    def test_the_course_environment_holds_no_solutions(self, hub):  # noqa: F811
        package = next((hub.settings.env_dir / "lib").glob("python3*/site-packages/ocopkit"))
        leaks = [
            p
            for p in package.rglob("*")
            if p.is_file() and p.suffix in (".py", ".ipynb", ".csv", ".toml") and b"BEGIN SOLUTION" in p.read_bytes()
        ]
        assert not leaks, leaks


class TestRoles:
    def test_participants_get_assignment_list_and_validate_only(self, hub):  # noqa: F811
        server = hub.spawn(PARTICIPANTS[0])
        disabled = set(server.page_config()["disabledExtensions"])
        assert set(lab_profile.trainer_only_plugins()) <= disabled
        assert not {"@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:validate-assignment"} & disabled
        assert server.get("formgrader").status_code == 404
        assert server.get("formgrader/api/assignments").status_code == 404
        assert server.get("assignments", params={"course_id": hub.course_id}).status_code == 200

    def test_the_trainer_gets_formgrader_in_labs_frame(self, hub):  # noqa: F811
        server = hub.spawn(hub.trainer)
        assert not set(lab_profile.trainer_only_plugins()) & set(server.page_config()["disabledExtensions"])
        page = server.get("formgrader", allow_redirects=True)
        assert page.status_code == 200
        assert "frame-ancestors 'self'" in page.headers["Content-Security-Policy"]

    def test_wrong_password_and_unknown_accounts_cannot_log_in(self, hub):  # noqa: F811
        assert hub.login(PARTICIPANTS[0], password="wrong-password").login_status != 302
        assert hub.login("someone-else").login_status != 302


class TestSetupRules:
    def test_development_login_only_on_loopback(self):
        settings = setup.HubSettings(ip="0.0.0.0", proxy="/usr/bin/true", course_id="c")
        with pytest.raises(setup.SetupError, match="loopback|127.0.0.1"):
            setup.check_settings(settings)
        with pytest.raises(setup.SetupError, match="127.0.0.1"):
            config.render(settings)

    def test_config_passes_the_cohorts_language(self):
        text = config.render(setup.HubSettings(lang="en", proxy="/usr/bin/true", course_id="c"))
        assert "\"OCOP_LANG\": 'en'" in text
        compile(text, "jupyterhub_config.py", "exec")

    def test_without_root_it_says_why_and_stops(self, hub):  # noqa: F811
        done = hub.run_as(PARTICIPANTS[0], [hub.settings.env_bin / "ocop", "hub", "setup"])
        assert done.returncode == 2
        assert "must be set up as root" in done.stderr and "sudo make hub" in done.stderr

    def test_make_hub_refuses_without_root(self, hub):  # noqa: F811
        makefile = hub.settings.state_dir / "Makefile"  # a copy the participant can read
        makefile.write_bytes((REPO / "Makefile").read_bytes())
        makefile.chmod(0o644)
        done = hub.run_as(
            PARTICIPANTS[0], ["make", "--no-print-directory", "-f", makefile, "hub"], cwd=hub.settings.state_dir
        )
        assert done.returncode != 0 and "must run as root" in done.stdout + done.stderr, done
