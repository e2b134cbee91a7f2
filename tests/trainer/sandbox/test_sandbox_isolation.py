"""The sandbox against submissions that attack root's paths, the disk and the next participant.

One grading worker grades, in this order, an attack and then an honest
participant, several times over: every honest participant must keep the
exact clean-run score, and nothing outside the attacker's own kernel may
change (the course, the other submissions and a root-only decoy are hashed
before and after). Real nbgrader, real kernels, real bubblewrap, as root.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from ocopkit.trainer import cohort, ledger, run_guard, sandbox
from ocopkit.trainer.course import make_working_course

import hostile_submissions as hostile
from conftest import (
    REPO,
    require,
)

DECOY_TEXT = "BI-MAT-CUA-ROOT"

# Each attack runs before Part 1's right answers, so an attack that is held scores full marks (10).
ATTACKS = {
    # Root's paths: plant entries in the kernel's own socket folder, replace a socket by a link.
    "a1-socket-folder": """
import json, os
info = json.load(open('/ocop/connection.json'))
folder = os.path.dirname(info['ip'])
for name, make in [('planted', lambda p: open(p, 'w').write('x')),
                   ('kernel-99', lambda p: os.symlink('/etc/shadow', p)),
                   ('sub', lambda p: os.mkdir(p))]:
    try:
        make(os.path.join(folder, name)); print('PLANTED', name)
    except OSError as error:
        print('refused', name, error.errno)
for port in ('shell_port', 'iopub_port', 'control_port'):
    path = info['ip'] + '-' + str(info[port])
    try:
        os.unlink(path); os.symlink('/run/dbus/system_bus_socket', path); print('REPLACED', port)
    except OSError as error:
        print('refused', port, error.errno)
try:
    os.chmod(folder, 0o777); print('CHMODDED')
except OSError as error:
    print('refused chmod', error.errno)
""",
    # Disk: fill every writable place; each must stop at its own small limit.
    "b1-fill-disk": """
import os
for target in ['.', '/tmp', '/dev/shm']:
    count = 0
    try:
        while count < 1000:
            with open(os.path.join(target, 'fill%d' % count), 'wb') as handle:
                handle.write(b'0' * (8 * 1024**2))
            count += 1
    except OSError as error:
        print('FULL', target, count, error.errno)
""",
    # The next participant: a daemon that outlives its cell and keeps writing.
    "c1-daemon": """
import os, signal, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for each in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(each, signal.SIG_IGN)
        while True:
            for path in ('/tmp/left-by-daemon', 'left-by-daemon', '/dev/shm/left-by-daemon'):
                try:
                    open(path, 'a').write('x')
                except OSError:
                    pass
            time.sleep(0.05)
    os._exit(0)
time.sleep(0.3)
""",
    # The next participant: files left where the next kernel might look.
    "d1-leave-files": """
import os
for path in ('/tmp/left-behind', '/dev/shm/left-behind', 'left-behind', '/tmp/matplotlib/left-behind'):
    try:
        os.makedirs(os.path.dirname(path) or '.', exist_ok=True); open(path, 'w').write('x')
    except OSError:
        pass
""",
    # Reading what root keeps: the sandbox's spec, connection files, other kernels, the decoy.
    "e1-read-root": """
import glob, os
seen = []
patterns = ['/run/ocop-sandbox/**', '/proc/1/root/*', '/proc/1/root/tmp/**', '{decoy}',
            '/proc/*/environ', '/proc/*/cmdline']
for pattern in patterns:
    for path in glob.glob(pattern, recursive=True)[:200]:
        try:
            seen.append(path + ':' + open(path, 'rb').read(300).decode('latin-1'))
        except OSError:
            pass
print('SEEN', seen)
""",
    # The kernel's console goes to a log root keeps: flooding it stops at the file-size limit.
    "f1-flood-console": """
import os, sys
# ipykernel sends fds 1 and 2 to the notebook; the log behind them is kept in a copy.
for descriptor in (sys.stdout._original_stdstream_copy, sys.stderr._original_stdstream_copy):
    written = 0
    try:
        while written < 100 * 1024**2:
            written += os.write(descriptor, b'x' * 1024**2)
    except OSError as error:
        print('STOPPED', descriptor, written // 1024**2, error.errno)
""",
    # A submission of many files and one too big: only what fits is copied in.
    "g1-many-files": """
import os
names = os.listdir('.')
print('FILES', len(names), 'huge.bin' in names)
""",
}
PROBE = """
import os
for folder in ('/tmp', '/dev/shm', '.', '/tmp/matplotlib'):
    try:
        print('LISTING', folder, sorted(os.listdir(folder)))
    except OSError:
        print('LISTING', folder, [])
"""
HONEST_AFTER = {
    "a2-honest": None,
    "b2-honest": None,
    "c2-probe": PROBE,
    "d2-probe": PROBE,
    "e2-honest": None,
    "f2-honest": None,
    "g2-probe": PROBE,
}


def tree_digest(*roots: Path) -> str:
    """Hash names, modes and contents of every path below the roots, links by target."""
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(root.rglob("*")) if root.is_dir() else [root]:
            info = path.lstat()
            digest.update(f"{path}|{info.st_mode}|{info.st_uid}".encode())
            if path.is_symlink():
                digest.update(os.readlink(path).encode())
            elif path.is_file():
                digest.update(path.read_bytes())
    return digest.hexdigest()


def write_submission(course: Path, participant: str, code: str | None) -> None:
    target = course / "submitted" / participant / "topic08"
    if code is None:
        shutil.copytree(hostile.FULL, target)
        return
    nb = hostile.notebook(hostile.FULL)
    hostile.cell(nb, "part1_answer").source = code + hostile.PART1_RIGHT
    target.mkdir(parents=True)
    nbformat.write(nb, target / "topic08.ipynb")


def answer_output(course: Path, participant: str) -> str:
    path = course / "autograded" / participant / "topic08" / "topic08.ipynb"
    cell = hostile.cell(nbformat.read(path, as_version=4), "part1_answer")
    return "".join(output.get("text", "") for output in cell.outputs)


def sandbox_uids() -> list[int]:
    return [entry.pw_uid for entry in pwd.getpwall() if entry.pw_name.startswith(sandbox.USER_PREFIX)]


def generate(course: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", "topic08", "--force"],
        cwd=course,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade every attack, each followed by an honest participant, with one worker."""
    require(sandbox.unavailable_reason())
    root = tmp_path_factory.mktemp("isolation")
    decoy = root / "decoy-root-only.txt"
    decoy.write_text(DECOY_TEXT)
    decoy.chmod(0o600)
    course = make_working_course(root / "course", REPO)
    generate(course)
    for participant, code in ATTACKS.items():
        write_submission(course, participant, code.replace("{decoy}", str(decoy)))
    for participant, code in HONEST_AFTER.items():
        write_submission(course, participant, code)
    many = course / "submitted" / "g1-many-files" / "topic08"
    for number in range(300):
        (many / f"du-lieu-{number}.csv").write_text("a,b\n1,2\n")
    with (many / "huge.bin").open("wb") as handle:
        handle.truncate(sandbox.Limits().file_bytes + 1)
    kept = [course / "solutions", course / "exercises", course / "nbgrader_config.py", course / "submitted", decoy]
    before = tree_digest(*kept)
    outcomes = cohort.grade_cohort(course, "topic08", cohort.GradeOptions(workers=1, deadline=120, retries=0))
    return {
        "course": course,
        "outcomes": {o.participant_id: o for o in outcomes},
        "unchanged": before == tree_digest(*kept),
    }


class TestHonestParticipantsAfterAttacks:
    @pytest.mark.parametrize("participant", sorted(HONEST_AFTER))
    def test_keep_their_clean_score(self, graded, participant):
        outcome = graded["outcomes"][participant]
        assert (outcome.status, outcome.score) == ("graded", hostile.FULL_SCORE), outcome

    def test_nothing_outside_the_submissions_changed(self, graded):
        assert graded["unchanged"]

    def test_the_attacks_were_held_not_failed(self, graded):
        for participant in ATTACKS:
            assert graded["outcomes"][participant].status == "graded", graded["outcomes"][participant]


class TestRootPaths:
    def test_the_socket_folder_cannot_be_changed_from_inside(self, graded):
        printed = answer_output(graded["course"], "a1-socket-folder")
        assert "refused planted" in printed and "refused kernel-99" in printed
        for word in ("PLANTED", "REPLACED", "CHMODDED"):
            assert word not in printed, printed

    def test_root_keeps_nothing_readable_for_the_sandbox(self, graded):
        printed = answer_output(graded["course"], "e1-read-root")
        assert printed.startswith("SEEN")
        for secret in (DECOY_TEXT, '"read_only"', "postgresql", "['/run/ocop-sandbox", ", '/run/ocop-sandbox"):
            assert secret not in printed, secret  # no file of root's sandbox folders, no decoy, no spec

    def test_no_folder_of_the_run_is_left(self, graded):
        runs = list(sandbox.RUNS_DIR.iterdir()) if sandbox.RUNS_DIR.exists() else []
        assert all(not run.name.startswith("ocop-sandbox-") or (run / "run.lock").exists() for run in runs)
        assert not any(str(graded["course"]) in str(run) for run in runs)


class TestDisk:
    def test_every_writable_place_stops_at_its_limit(self, graded):
        printed = answer_output(graded["course"], "b1-fill-disk")
        limits = sandbox.Limits()
        for target, limit in ((".", limits.workdir_bytes), ("/tmp", limits.tmp_bytes), ("/dev/shm", limits.shm_bytes)):
            line = next(line for line in printed.splitlines() if line.startswith(f"FULL {target} "))
            _full, _target, count, errno_number = line.split()
            assert int(errno_number) == 28 and int(count) * 8 * 1024**2 <= limit, line

    def test_nothing_the_kernels_wrote_reached_the_grading_disk(self, graded):
        # The kernels' /tmp, /dev/shm and working folder were tmpfs: the host's /tmp stays clean too.
        places = [*graded["course"].rglob("*"), *sandbox.LOCK_DIR.rglob("*"), *Path("/tmp").iterdir()]
        assert [path for path in places if path.name.startswith(("fill", "left-b"))] == []
        attacker = graded["course"] / "autograded" / "b1-fill-disk"
        assert sum(p.stat().st_size for p in attacker.rglob("*") if p.is_file()) < 1024**2


class TestLimits:
    def test_console_flood_stops_at_the_file_size_limit(self, graded):
        printed = answer_output(graded["course"], "f1-flood-console")
        limit = sandbox.Limits().file_bytes // 1024**2
        stops = [line.split() for line in printed.splitlines() if line.startswith("STOPPED")]
        assert len(stops) == 2 and all(
            int(size) <= limit and errno_number == "27" for _word, _fd, size, errno_number in stops
        ), printed

    def test_only_what_fits_is_copied_into_the_working_folder(self, graded):
        printed = answer_output(graded["course"], "g1-many-files")
        assert printed.split() == ["FILES", str(sandbox.Limits().files), "False"], printed


class TestNextParticipant:
    @pytest.mark.parametrize("probe", ["c2-probe", "d2-probe", "g2-probe"])
    def test_starts_with_empty_writable_places(self, graded, probe):
        printed = answer_output(graded["course"], probe)
        listings = [line for line in printed.splitlines() if line.startswith("LISTING")]
        assert len(listings) == 4, printed
        assert "left-b" not in printed and "fill" not in printed, printed

    def test_no_process_of_a_sandbox_user_is_left(self, graded):
        for uid in sandbox_uids():
            assert sandbox.user_processes(uid) == [], uid


def test_reset_kills_what_a_submission_left(tmp_path):
    """A worker's reset ends every process of its user, even one that ignores signals, and empties its folders."""
    require(sandbox.unavailable_reason())
    workers = sandbox.prepare(1)
    try:
        worker = workers[0]
        subprocess.Popen(
            [
                "setpriv",
                f"--reuid={worker.uid}",
                f"--regid={worker.gid}",
                "--clear-groups",
                "--",
                "sh",
                "-c",
                "trap '' TERM HUP INT; sleep 300",
            ],
            start_new_session=True,
        )
        (worker.sockets_dir / "k-left").mkdir()
        deadline = time.monotonic() + 10
        while not sandbox.user_processes(worker.uid) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert sandbox.user_processes(worker.uid)
        worker.reset()
        assert sandbox.user_processes(worker.uid) == []
        assert list(worker.sockets_dir.iterdir()) == []
    finally:
        sandbox.cleanup(workers)


def test_a_killed_runs_folder_is_removed_by_the_next_run(tmp_path):
    require(sandbox.unavailable_reason())
    stale = Path(sandbox.RUNS_DIR) / "ocop-sandbox-stale-test"
    sandbox.remove_stale_runs()
    (stale / "w0").mkdir(parents=True)
    (stale / "run.lock").touch()  # nobody holds it: its run was killed
    workers = sandbox.prepare(1)
    try:
        assert not stale.exists()
        assert workers[0].base.exists()
    finally:
        sandbox.cleanup(workers)
    assert not workers[0].base.exists()


@pytest.fixture
def small_disk(tmp_path):
    """A 48 MiB file system of its own for a course, so that it can be filled."""
    require(sandbox.unavailable_reason())
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def grade_command(course: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "ocopkit.trainer.cli",
        "grade",
        "topic08",
        "--course-dir",
        str(course),
        "--workers",
        "1",
    ]


def test_a_full_grading_disk_stops_the_run_and_blames_nobody(small_disk):
    course = make_working_course(small_disk / "course", REPO)
    generate(course)
    for participant in ("lan", "hung"):
        write_submission(course, participant, None)
    filler = small_disk / "filler"
    with filler.open("wb") as handle:  # as a log or another course would fill a shared disk
        try:
            while True:
                handle.write(b"0" * 1024**2)
                handle.flush()
        except OSError:
            pass
    stopped = subprocess.run(
        grade_command(course), capture_output=True, text=True, timeout=600, env={**os.environ, "OCOP_LANG": "en"}
    )
    assert stopped.returncode == 5, stopped.stdout + stopped.stderr
    assert "the grading disk is full" in stopped.stderr and "Traceback" not in stopped.stderr
    filler.unlink()
    assert not [o for o in ledger.gradings(course, "topic08").values() if o.status == "failed"]
    again = subprocess.run(grade_command(course), capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout + again.stderr
    final = ledger.gradings(course, "topic08")
    assert {key[1]: (o.status, o.score) for key, o in final.items()} == {
        "lan": ("graded", hostile.FULL_SCORE),
        "hung": ("graded", hostile.FULL_SCORE),
    }


def test_a_second_run_on_the_same_course_is_refused(tmp_path):
    require(sandbox.unavailable_reason())
    course = make_working_course(tmp_path / "course", REPO)
    generate(course)
    write_submission(course, "slow", "import time\ntime.sleep(20)\n")
    first = subprocess.Popen(grade_command(course), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lock = course / run_guard.LOCK_FILE
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and f"pid {first.pid}" not in (lock.read_text() if lock.exists() else ""):
            time.sleep(0.05)
        second = subprocess.run(
            grade_command(course), capture_output=True, text=True, timeout=120, env={**os.environ, "OCOP_LANG": "en"}
        )
        assert second.returncode == 4, second.stdout + second.stderr
        assert f"pid {first.pid}" in second.stderr and "already grading this course" in second.stderr
    finally:
        out, err = first.communicate(timeout=300)
    assert first.returncode == 0, out + err
    assert ledger.gradings(course, "topic08")[("topic08", "slow")].status == "graded"


def test_many_slow_cells_are_bounded_by_the_notebook_budget(tmp_path):
    """Cells each under the per-cell limit still cannot hold a worker past the notebook's budget."""
    require(sandbox.unavailable_reason())
    course = make_working_course(tmp_path / "course", REPO)
    with (course / "nbgrader_config.py").open("a") as config:
        config.write("\nc.Execute.timeout = 5\nc.GuardedExecute.notebook_timeout = 8\n")
    generate(course)
    target = course / "submitted" / "cham" / "topic08"
    nb = hostile.notebook(hostile.FULL)
    for _ in range(4):
        nb.cells.insert(1, nbformat.v4.new_code_cell("import time\ntime.sleep(4)"))
    target.mkdir(parents=True)
    nbformat.write(nb, target / "topic08.ipynb")
    write_submission(course, "nhanh", None)
    outcomes = {o.participant_id: o for o in cohort.grade_cohort(course, "topic08", cohort.GradeOptions(workers=1))}
    from ocopkit.i18n import _

    expected = _(
        "the notebook ran longer than {seconds} s in all (the limit for one notebook); the cells after "
        "that were not run"
    ).format(seconds=8)
    assert (outcomes["cham"].status, outcomes["cham"].reason) == ("failed", expected)
    assert (outcomes["nhanh"].status, outcomes["nhanh"].score) == ("graded", hostile.FULL_SCORE)
