"""On the real local hub, root's grading trusts neither the trainer's files nor the names in the exchange.

Issue 11, classes 6 and 7. One module-scoped hub of its own (users ``ocopt-tgv``,
``ocopt-an``, ``ocopt-binh``, ``ocopt-chi``, so it never meets tests/trainer/hub/test_hub.py's):

- 7, impersonation: ``an`` submits honest (partly right) work, then forges a
  folder in the exchange named for ``binh`` (with a far-future time, so
  nbgrader's own collect prefers it), one for a user who is not a participant,
  and a newer one of their own holding a link to a root-only file. ``chi``
  hands in after the deadline by writing a folder of their own into the
  exchange, named, stamped (``timestamp.txt``) and timed (``touch``) as if
  early. The trainer collects in formgrader (plain nbgrader: the forgery is
  taken), then root runs ``ocop hub grade``.
- 6, trainer to root: before that, the trainer plants code in the course's
  ``nbgrader_config.py``, in ``~/.jupyter`` and in the environment of the sudo
  session; each writes a marker named after the uid that ran it.

Real JupyterHub, real Linux users, real nbgrader exchange, real sandbox.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ocopkit.trainer import sandbox
from ocopkit.trainer.hub import intake, setup

from conftest import SUBMISSIONS, require
from hub_support import running_hub

pytestmark = pytest.mark.slow

ASSIGNMENT = "topic08"
NOTEBOOK = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
TRAINER = "ocopt-tgv"
AN, BINH, CHI = PARTICIPANTS = ("ocopt-an", "ocopt-binh", "ocopt-chi")
ANSWERS = {AN: "partial", BINH: "full", CHI: "full"}
EXPECTED = tomllib.loads((SUBMISSIONS / ASSIGNMENT / "expected.toml").read_text(encoding="utf-8"))
FUTURE = "2099-01-01 00:00:00.000000 UTC"
FORGED_MARK = "forged-by-an"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def root_only_decoy(folder: Path, name: str) -> Path:
    """A file only root may read or change, in a folder only root may enter."""
    folder.mkdir(mode=0o700, exist_ok=True)
    decoy = folder / name
    decoy.write_text(f"root's secret {name}\n")
    decoy.chmod(0o600)
    return decoy


@dataclass
class Scene:
    """What the module's one run did, for the tests to check."""

    hub: object
    work: Path
    markers: Path
    decoy: Path
    decoy_hash: str
    duedate: datetime.datetime
    before_grading: dict = field(default_factory=dict)
    grading: subprocess.CompletedProcess | None = None
    submissions: dict = field(default_factory=dict)


@pytest.fixture(scope="module")
def trust_hub():
    require(sandbox.unavailable_reason())
    with running_hub(trainer=TRAINER, participants=PARTICIPANTS) as handle:
        yield handle


def shell_as(hub, user: str, script: str, *args) -> subprocess.CompletedProcess:
    done = hub.run_as(user, ["sh", "-c", script, "sh", *map(str, args)])
    assert done.returncode == 0, (user, script, done.stdout + done.stderr)
    return done


def submit(server, hub, variant: str) -> None:
    course = {"course_id": hub.course_id, "assignment_id": ASSIGNMENT}
    assert server.json("POST", "assignments/fetch", data=course)["success"]
    server.upload_notebook(NOTEBOOK, SUBMISSIONS / ASSIGNMENT / variant / f"{ASSIGNMENT}.ipynb")
    assert server.json("POST", "assignments/submit", data=course)["success"]


def marker_code(markers: Path, label: str) -> str:
    """Python that leaves ``markers/UID-label`` behind whenever, and as whoever, it runs."""
    return f"\nimport os as _os\nopen({str(markers)!r} + '/' + str(_os.geteuid()) + '-{label}', 'w').close()\n"


def plant_trainer_code(hub, markers: Path) -> dict:
    """The trainer's code in every configuration root could be made to read; return the sudo environment."""
    home = hub.home(TRAINER)
    shell_as(
        hub,
        TRAINER,
        'printf "%s" "$1" >> "$2"',
        marker_code(markers, "course-config"),
        hub.course_dir / "nbgrader_config.py",
    )
    for name in ("nbgrader_config.py", "jupyter_config.py", "jupyter_server_config.py", "ipython_config.py"):
        shell_as(
            hub,
            TRAINER,
            'mkdir -p "$(dirname "$2")" && printf "%s" "$1" > "$2"',
            marker_code(markers, f"home-{name}"),
            home / ".jupyter" / name,
        )
    shell_as(
        hub,
        TRAINER,
        'mkdir -p "$(dirname "$2")" && printf "%s" "$1" > "$2"',
        marker_code(markers, "ipython-profile"),
        home / ".ipython" / "profile_default" / "ipython_config.py",
    )
    # What `sudo -E` (or a sudoers env_keep) would hand to root from the trainer's session.
    return {
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "JUPYTER_CONFIG_PATH": str(home / ".jupyter"),
        "JUPYTER_PATH": str(home / ".jupyter"),
        "JUPYTER_DATA_DIR": str(home / ".jupyter"),
        "IPYTHONDIR": str(home / ".ipython"),
        "OCOP_GRADEBOOK_URL": f"sqlite:///{markers}/redirected.db",
    }


def forge_as_an(hub, inbound: Path, forged_notebook: Path) -> None:
    """``an`` writes into the exchange under other names: ``binh`` (newer than binh's own) and a stranger."""
    for name in (f"{BINH}+{ASSIGNMENT}+{FUTURE}+forged", f"mallory+{ASSIGNMENT}+{FUTURE}+forged"):
        shell_as(
            hub,
            AN,
            'mkdir "$1" && cp "$2" "$1/$3" && printf "%s" "$4" > "$1/timestamp.txt" && chmod -R 777 "$1"',
            inbound / name,
            forged_notebook,
            f"{ASSIGNMENT}.ipynb",
            FUTURE,
        )


def submit_backdated_as_chi(hub, inbound: Path, early: datetime.datetime) -> None:
    """``chi``, late, hands in by hand: a folder of their own named, stamped and timed as if early."""
    text = early.strftime(intake.TIMESTAMP_FORMAT)
    shell_as(
        hub,
        CHI,
        """set -e
folder="$2/$3+$4+$5+early"
mkdir "$folder"
cp "$1/$4/$4.ipynb" "$folder/"
printf "%s" "$5" > "$folder/timestamp.txt"
chmod -R 777 "$folder"
touch -d "$6" "$folder" "$folder"/*""",
        hub.home(CHI),
        inbound,
        CHI,
        ASSIGNMENT,
        text,
        early.strftime("%Y-%m-%d %H:%M:%S UTC"),
    )


def when(submission: dict) -> datetime.datetime:
    """The time nbgrader recorded for a submission (formgrader's API), in UTC."""
    moment = datetime.datetime.fromisoformat(submission["timestamp"])
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def submissions(hub) -> dict:
    """Formgrader's list of the assignment's submissions, as the trainer sees it: participant id to record."""
    listed = hub.spawn(TRAINER).json("GET", f"formgrader/api/submissions/{ASSIGNMENT}")
    return {s["student"]: s for s in listed}


def hub_grade(hub, env=None, cwd=None) -> subprocess.CompletedProcess:
    """``sudo ocop hub grade`` as the trainer would type it (the test runs as root)."""
    return subprocess.run(
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
        timeout=900,
        cwd=cwd,
        env={**os.environ, "OCOP_LANG": "en", **(env or {})},
    )


@pytest.fixture(scope="module")
def scene(trust_hub):
    hub = trust_hub
    work = Path(tempfile.mkdtemp(prefix="ocop-trust-", dir="/tmp"))
    work.chmod(0o755)
    markers = work / "markers"
    markers.mkdir()
    markers.chmod(0o777)  # anyone may leave a marker: the test looks at whose uid it names
    decoy = root_only_decoy(work / "root-only", "decoy.txt")
    forged = work / "forged.ipynb"
    notebook = json.loads((SUBMISSIONS / ASSIGNMENT / "syntax_error" / f"{ASSIGNMENT}.ipynb").read_text())
    notebook["metadata"][FORGED_MARK] = True
    forged.write_text(json.dumps(notebook))
    forged.chmod(0o644)
    inbound = hub.settings.exchange_dir / hub.course_id / "inbound"

    trainer, an, binh, chi = hub.spawn(TRAINER, *PARTICIPANTS)
    assert trainer.json("POST", f"formgrader/api/assignment/{ASSIGNMENT}/release")["success"]
    submit(an, hub, ANSWERS[AN])
    submit(binh, hub, ANSWERS[BINH])
    # The deadline falls between an's and binh's submissions and chi's.
    duedate = datetime.datetime.now(datetime.UTC)
    done = hub.run_as(
        TRAINER,
        [
            hub.settings.env_bin / "nbgrader",
            "db",
            "assignment",
            "add",
            ASSIGNMENT,
            f"--duedate={duedate.strftime(intake.TIMESTAMP_FORMAT)}",
        ],
        cwd=hub.course_dir,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    course = {"course_id": hub.course_id, "assignment_id": ASSIGNMENT}
    assert chi.json("POST", "assignments/fetch", data=course)["success"]
    chi.upload_notebook(NOTEBOOK, SUBMISSIONS / ASSIGNMENT / ANSWERS[CHI] / f"{ASSIGNMENT}.ipynb")
    submit_backdated_as_chi(hub, inbound, duedate - datetime.timedelta(hours=1))
    forge_as_an(hub, inbound, forged)

    # Plain nbgrader (formgrader's Collect) falls for the forgery: the attack is real.
    assert trainer.json("POST", f"formgrader/api/assignment/{ASSIGNMENT}/collect")["success"]
    taken = hub.course_dir / "submitted" / BINH / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    chi_stamp = (hub.course_dir / "submitted" / CHI / ASSIGNMENT / "timestamp.txt").read_text()
    before = {
        "binh_forged": FORGED_MARK in taken.read_text(),
        "mallory": (hub.course_dir / "submitted" / "mallory" / ASSIGNMENT).is_dir(),
        "chi_looked_early": datetime.datetime.strptime(chi_stamp, intake.TIMESTAMP_FORMAT).replace(tzinfo=datetime.UTC)
        < duedate,
    }
    # A newer folder of an's own, holding a link to a root-only file: an's older one must be used.
    shell_as(
        hub,
        AN,
        'mkdir "$1" && ln -s "$2" "$1/$3" && chmod 777 "$1"',
        inbound / f"{AN}+{ASSIGNMENT}+{FUTURE}+link",
        decoy,
        f"{ASSIGNMENT}.ipynb",
    )

    sudo_env = plant_trainer_code(hub, markers)
    the_scene = Scene(hub, work, markers, decoy, sha256(decoy), duedate, before)
    the_scene.grading = hub_grade(hub, env=sudo_env, cwd=hub.course_dir)
    the_scene.submissions = submissions(hub)
    yield the_scene
    shutil.rmtree(work, ignore_errors=True)


def output(done: subprocess.CompletedProcess) -> str:
    return done.stdout + done.stderr


class TestImpersonation:
    def test_plain_nbgrader_collect_took_the_forgery(self, scene):
        assert scene.before_grading == {"binh_forged": True, "mallory": True, "chi_looked_early": True}

    def test_grading_succeeded(self, scene):
        assert scene.grading.returncode == 0, output(scene.grading)
        assert "3 submissions: 3 graded, 0 failed." in scene.grading.stdout, output(scene.grading)

    def test_each_participant_is_graded_on_their_own_work_with_exact_scores(self, scene):
        for user, variant in ANSWERS.items():
            submission = scene.submissions[user]
            assert submission["autograded"], submission
            assert (submission["score"], submission["max_score"]) == (
                EXPECTED[variant]["score"],
                EXPECTED["max_score"],
            ), (user, variant, submission)
        notebook = scene.hub.course_dir / "submitted" / BINH / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        assert FORGED_MARK not in notebook.read_text()

    def test_a_folder_for_a_stranger_is_not_collected(self, scene):
        assert not (scene.hub.course_dir / "submitted" / "mallory" / ASSIGNMENT).exists()
        assert "mallory" not in scene.submissions

    def test_the_trainer_is_told_which_folder_which_owner_and_why(self, scene):
        text = output(scene.grading)
        forged = (
            f"Refused {BINH}+{ASSIGNMENT}+{FUTURE}+forged in the exchange (owner: {AN}): it is named for "
            f"{BINH} but belongs to {AN}. It was not collected."
        )
        assert forged in text, text
        assert (
            f"mallory+{ASSIGNMENT}+{FUTURE}+forged in the exchange (owner: {AN}): mallory is not a "
            "participant of this hub" in text
        ), text
        assert (
            f"{AN}+{ASSIGNMENT}+{FUTURE}+link in the exchange (owner: {AN}): it holds a symbolic link, "
            f"{ASSIGNMENT}.ipynb" in text
        ), text
        assert "Collected 3 submissions from the exchange" in text, text

    def test_lateness_comes_from_the_exchange_not_from_timestamp_txt(self, scene):
        assert scene.before_grading["chi_looked_early"]  # plain nbgrader believed chi's own stamp
        assert when(scene.submissions[CHI]) > scene.duedate, scene.submissions[CHI]
        assert when(scene.submissions[AN]) < scene.duedate and when(scene.submissions[BINH]) < scene.duedate
        stamp = (scene.hub.course_dir / "submitted" / CHI / ASSIGNMENT / "timestamp.txt").read_text()
        assert (
            datetime.datetime.strptime(stamp, intake.TIMESTAMP_FORMAT).replace(tzinfo=datetime.UTC) > scene.duedate
        ), stamp

    def test_root_followed_no_link_out_of_the_exchange(self, scene):
        assert sha256(scene.decoy) == scene.decoy_hash
        assert scene.decoy.stat().st_uid == 0 and stat.S_IMODE(scene.decoy.stat().st_mode) == 0o600
        secret = scene.decoy.read_text()
        leaks = [
            p
            for p in scene.hub.course_dir.rglob("*")
            if p.is_file() and not p.is_symlink() and secret.encode() in p.read_bytes()
        ]
        assert not leaks, leaks


class TestTrainerToRoot:
    def test_no_trainer_file_ran_as_root(self, scene):
        ran = sorted(p.name for p in scene.markers.iterdir())
        assert not [name for name in ran if name.startswith("0-")], ran
        # The planted code is live: the trainer's own nbgrader (collect, formgrader) ran it with their rights.
        trainer_uid = pwd.getpwnam(TRAINER).pw_uid
        assert f"{trainer_uid}-course-config" in ran, ran

    def test_the_sudo_environment_was_ignored_and_named(self, scene):
        line = next(line for line in scene.grading.stdout.splitlines() if line.startswith("[ocop hub] Ignoring"))
        for name in (
            "HOME",
            "IPYTHONDIR",
            "JUPYTER_CONFIG_DIR",
            "JUPYTER_CONFIG_PATH",
            "JUPYTER_PATH",
            "JUPYTER_DATA_DIR",
            "OCOP_GRADEBOOK_URL",
        ):
            assert name in line, line
        assert not (scene.markers / "redirected.db").exists()

    def test_the_trainer_is_told_their_config_was_not_run(self, scene):
        text = output(scene.grading)
        assert f"{scene.hub.course_dir / 'nbgrader_config.py'} (owner {TRAINER}) was not run" in text, text

    def test_the_course_is_the_trainers_again(self, scene):
        trainer_uid = pwd.getpwnam(TRAINER).pw_uid
        course = scene.hub.course_dir
        strangers = [p for p in [course, *course.rglob("*")] if p.lstat().st_uid != trainer_uid]
        assert not strangers, strangers[:5]

    def test_plain_ocop_grade_as_root_refuses_the_trainers_config(self, scene):
        hub = scene.hub
        done = subprocess.run(
            [str(hub.settings.env_bin / "ocop"), "grade", ASSIGNMENT, "--course-dir", str(hub.course_dir)],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "OCOP_LANG": "en"},
        )
        assert done.returncode == 2, output(done)
        assert f"Not running {hub.course_dir / 'nbgrader_config.py'} as root" in done.stderr, output(done)
        assert f"belongs to {TRAINER}" in done.stderr, output(done)
        assert not [p for p in scene.markers.iterdir() if p.name.startswith("0-")]

    def test_a_planted_link_stops_grading_and_nothing_outside_changes(self, scene):
        hub = scene.hub
        decoy = root_only_decoy(scene.work / "root-only", "link-decoy.txt")
        digest = sha256(decoy)
        link = hub.course_dir / "autograded" / "x"
        shell_as(hub, TRAINER, 'ln -s "$1" "$2"', decoy, link)
        try:
            done = hub_grade(hub, env={"OCOP_LANG": "en"})
            assert done.returncode == 2, output(done)
            assert f"autograded/x -> {decoy}" in done.stderr and "Remove them" in done.stderr, output(done)
        finally:
            link.unlink()
        assert sha256(decoy) == digest and decoy.stat().st_uid == 0
        assert stat.S_IMODE(decoy.stat().st_mode) == 0o600

    def test_settings_the_trainer_wrote_are_refused(self, scene):
        hub = scene.hub
        fake = hub.home(TRAINER) / "fake-state"
        settings = json.loads((hub.settings.state_dir / "settings.json").read_text())
        settings["course_id"] = "../../etc"  # would make root hand /etc to the trainer
        shell_as(hub, TRAINER, 'mkdir -p "$1" && printf "%s" "$2" > "$1/settings.json"', fake, json.dumps(settings))
        done = subprocess.run(
            [str(hub.settings.env_bin / "ocop"), "hub", "grade", ASSIGNMENT, "--state-dir", str(fake)],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "OCOP_LANG": "en"},
        )
        assert done.returncode == 2, output(done)
        assert f"Not using {fake / 'settings.json'}" in done.stderr and f"belongs to {TRAINER}" in done.stderr
        assert Path("/etc").stat().st_uid == 0

    def test_regrading_after_the_attacks_keeps_exact_scores(self, scene):
        done = hub_grade(scene.hub, env={"OCOP_LANG": "en"})
        assert done.returncode == 0, output(done)
        listed = submissions(scene.hub)
        for user, variant in ANSWERS.items():
            assert listed[user]["score"] == EXPECTED[variant]["score"], (user, listed[user])
        assert when(listed[CHI]) > scene.duedate


def need_root():
    require(None if os.geteuid() == 0 else "needs root: changes owners of files")


class TestWithoutAHub:
    def test_chown_tree_follows_no_link(self, tmp_path):
        need_root()
        nobody = pwd.getpwnam("nobody")
        decoy = root_only_decoy(tmp_path / "root-only", "decoy.txt")
        hard = root_only_decoy(tmp_path / "root-only", "hard.txt")
        tree = tmp_path / "course"
        (tree / "autograded").mkdir(parents=True)
        (tree / "autograded" / "x").symlink_to(decoy)
        (tree / "autograded" / "dir").symlink_to(decoy.parent)
        os.link(hard, tree / "hard.txt")  # as on a system without fs.protected_hardlinks
        (tree / "autograded" / "plain.txt").write_text("mine")
        skipped = setup.chown_tree(tree, nobody)
        assert decoy.stat().st_uid == hard.stat().st_uid == decoy.parent.stat().st_uid == 0
        assert (tree / "autograded" / "x").lstat().st_uid == nobody.pw_uid  # the link itself
        assert (tree / "autograded" / "plain.txt").stat().st_uid == nobody.pw_uid
        assert skipped == [str(tree / "hard.txt")]

    def test_chown_tree_refuses_a_linked_top(self, tmp_path):
        need_root()
        (tmp_path / "real").mkdir()
        (tmp_path / "course").symlink_to(tmp_path / "real")
        with pytest.raises(setup.SetupError, match="not a plain folder"):
            setup.chown_tree(tmp_path / "course", pwd.getpwnam("nobody"))
        assert (tmp_path / "real").stat().st_uid == 0

    def test_intake_refuses_other_owners_fifos_and_depth(self, tmp_path, english):
        need_root()
        nobody = pwd.getpwnam("nobody")
        inbound = tmp_path / "inbound"
        inbound.mkdir()

        def entry(tag):
            folder = inbound / f"nobody+{ASSIGNMENT}+2026-01-01 00:00:00.000000 UTC+{tag}"
            folder.mkdir()
            (folder / "a.ipynb").write_text("{}")
            return folder

        os.mkfifo(entry("fifo") / "pipe")
        entry("root-file")
        deep = entry("deep")
        for _ in range(intake.MAX_DEPTH + 2):
            deep = deep / "d"
            deep.mkdir()
        for folder in inbound.iterdir():
            for path in [folder, *folder.rglob("*")]:
                if not path.name == "a.ipynb" or "root-file" not in folder.name:
                    os.chown(path, nobody.pw_uid, nobody.pw_gid)
        found = intake.take(inbound, ASSIGNMENT, {"nobody": nobody.pw_uid})
        reasons = {r.folder.rsplit("+", 1)[1]: r.reason for r in found.refused}
        assert reasons == {
            "fifo": "it holds pipe, which is not a plain file or folder",
            "root-file": "it holds a.ipynb, which belongs to root",
            "deep": f"its folders are nested more than {intake.MAX_DEPTH} deep",
        }, reasons
        assert not found.accepted
