"""Offline hand-ins: a folder of notebooks sent by e-mail, USB or Zalo, taken by ``ocop handin`` and graded.

The example submissions of topic08 (tests/submissions/topic08) are copied into
a hand-in folder under the names participants give them, next to what a real
folder also holds: a stranger's notebook, two files of one participant, a text
file, a damaged notebook, a zip and symbolic links. ``ocop handin`` must take
the right ones into nbgrader's ``submitted/`` (through nbgrader's own
``zip_collect``), report every other file, leave the folder as it was, and
the notebooks it took must grade to the scores of ``expected.toml``.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tomllib
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from ocopkit.trainer import cli, ledger, roster
from ocopkit.trainer.course import Course, make_working_course

from conftest import REPO

ASSIGNMENT = "topic08"
SUBMISSIONS = REPO / "tests" / "submissions" / ASSIGNMENT
EXPECTED = tomllib.loads((SUBMISSIONS / "expected.toml").read_text(encoding="utf-8"))
# Who is taken, and which example submission their file holds.
TAKEN = {"lan": "full", "hung": "partial", "mai": "syntax_error", "tuan": "untouched"}


def example(name: str) -> Path:
    return SUBMISSIONS / name / f"{ASSIGNMENT}.ipynb"


def run_cli(*argv: str) -> tuple[int, str]:
    """Run ``ocop`` in this process; its exit code and everything it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli.main(list(argv))
    return code, out.getvalue()


def person(ident: str) -> SimpleNamespace:
    return SimpleNamespace(
        id=ident,
        name=f"Nguyễn Văn {ident.title()}",
        province="Hà Tĩnh",
        district="",
        organisation_type="household",
        email="",
    )


def new_course(root: Path, ledger_ids: tuple[str, ...], gradebook_ids: tuple[str, ...] = ()) -> Path:
    """A working course whose roster (ledger) and gradebook know the given participants."""
    course = make_working_course(root, REPO)
    ledger.save_participants(course, [person(i) for i in ledger_ids])
    if gradebook_ids:
        people = [roster.Participant(**vars(person(i))) for i in gradebook_ids]
        gradebook = Course(course).api.gradebook
        try:
            roster.register(people, gradebook)
        finally:
            gradebook.close()
    return course


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry of a folder, links not followed: (kind, bytes or target, mtime)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        if path.is_symlink():
            found[str(path.relative_to(folder))] = ("link", os.readlink(path), info.st_mtime_ns)
        elif path.is_file():
            found[str(path.relative_to(folder))] = ("file", path.read_bytes(), info.st_mtime_ns)
    return found


@pytest.fixture(scope="module")
def handed_in(tmp_path_factory):
    """A course with Topic 8 generated, a folder of offline hand-ins, and ``ocop handin`` run on it."""
    base = tmp_path_factory.mktemp("offline-handin")
    # "tuan" is in nbgrader's gradebook only; the others on the kit's roster.
    course = new_course(base / "course", ("lan", "hung", "mai", "vy"), gradebook_ids=("tuan",))
    assert run_cli("generate", ASSIGNMENT, "--course-dir", str(course))[0] == 0
    outside = base / "elsewhere"
    outside.mkdir()
    shutil.copy(example("full"), outside / "secret.ipynb")

    folder = base / "nhan-bai"
    folder.mkdir()
    shutil.copy(example("full"), folder / "lan.ipynb")
    shutil.copy(example("partial"), folder / "hung_topic08.ipynb")
    # mai sent twice: the older file first, then the newer one (the one to take).
    shutil.copy(example("raises"), folder / "TOPIC08-mai.ipynb")
    shutil.copy(example("syntax_error"), folder / "mai.ipynb")
    os.utime(folder / "TOPIC08-mai.ipynb", (1_700_000_000, 1_700_000_000))
    os.utime(folder / "mai.ipynb", (1_700_086_400, 1_700_086_400))
    zalo = folder / "zalo"
    zalo.mkdir()
    with zipfile.ZipFile(zalo / "tuan.zip", "w") as archive:
        archive.write(example("untouched"), f"{ASSIGNMENT}.ipynb")
    shutil.copy(example("full"), folder / "khach.ipynb")  # nobody the course knows
    (folder / "ghi-chu.txt").write_text("Em gửi bài ạ.", encoding="utf-8")
    damaged = example("full").read_text(encoding="utf-8")
    (folder / "vy_topic08.ipynb").write_text(damaged[: len(damaged) // 2], encoding="utf-8")
    (folder / "hung-copy.ipynb").symlink_to(outside / "secret.ipynb")
    (folder / "lan-thu-muc").symlink_to(outside, target_is_directory=True)

    before = snapshot(folder)
    code, output = run_cli("handin", ASSIGNMENT, str(folder), "--course-dir", str(course))
    return SimpleNamespace(course=course, folder=folder, outside=outside, before=before, code=code, output=output)


def submitted(course: Path, participant: str) -> Path:
    return course / "submitted" / participant / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


@pytest.mark.slow
class TestHandin:
    def test_the_known_participants_are_taken(self, handed_in):
        for participant, name in TAKEN.items():
            assert submitted(handed_in.course, participant).read_bytes() == example(name).read_bytes(), participant
        assert sorted(p.name for p in (handed_in.course / "submitted").iterdir()) == sorted(TAKEN)

    def test_some_files_were_reported(self, handed_in):
        assert handed_in.code == 1, handed_in.output

    def test_every_taken_file_is_named_in_vietnamese(self, handed_in):
        out = handed_in.output
        assert "lan.ipynb: đã nhận cho lan (topic08)." in out
        assert "hung_topic08.ipynb: đã nhận cho hung (topic08)." in out
        assert "mai.ipynb: đã nhận cho mai (topic08)." in out
        assert "zalo/tuan.zip/topic08.ipynb: đã nhận cho tuan (topic08)." in out
        assert "4 notebook đã nhận, 6 tệp được báo lại" in out

    def test_every_other_file_is_reported(self, handed_in):
        lines = handed_in.output.splitlines()

        def line_of(source):
            found = [line for line in lines if line.startswith(source + ":")]
            assert len(found) == 1, (source, handed_in.output)
            return found[0]

        assert "mã học viên" in line_of("khach.ipynb") and "khach" in line_of("khach.ipynb")
        assert ".ipynb" in line_of("ghi-chu.txt")
        assert "JSON" in line_of("vy_topic08.ipynb")
        assert "liên kết tượng trưng" in line_of("hung-copy.ipynb")
        assert "liên kết tượng trưng" in line_of("lan-thu-muc")

    def test_a_duplicate_names_both_and_the_newest_taken(self, handed_in):
        line = next(line for line in handed_in.output.splitlines() if line.startswith("mai (topic08): 2"))
        assert "TOPIC08-mai.ipynb" in line and line.endswith("mai.ipynb.")
        assert "mới nhất" in line

    def test_nothing_is_followed_or_written_outside(self, handed_in):
        assert snapshot(handed_in.folder) == handed_in.before  # the folder is never changed
        assert sorted(p.name for p in handed_in.outside.iterdir()) == ["secret.ipynb"]
        assert not (handed_in.course / "downloaded").exists()  # zip_collect worked in its private copy
        assert not (handed_in.course / "submitted" / "vy").exists()

    def test_a_second_run_keeps_what_was_handed_in(self, handed_in, tmp_path):
        again = tmp_path / "lai"
        again.mkdir()
        shutil.copy(example("untouched"), again / "lan.ipynb")
        code, output = run_cli("handin", ASSIGNMENT, str(again), "--course-dir", str(handed_in.course))
        assert code == 1
        assert "--force" in output and "lan" in output
        assert submitted(handed_in.course, "lan").read_bytes() == example("full").read_bytes()

    def test_the_round_trip_grades_to_the_expected_scores(self, handed_in):
        # The kit's own example submissions are trusted code: no sandbox needed to grade them.
        code, output = run_cli("grade", ASSIGNMENT, "--unsafe", "--workers", "2", "--course-dir", str(handed_in.course))
        assert code == 0, output
        gradings = ledger.gradings(handed_in.course, ASSIGNMENT)
        scores = {participant: grading.score for (_a, participant), grading in gradings.items()}
        assert scores == {participant: EXPECTED[name]["score"] for participant, name in TAKEN.items()}


@pytest.fixture
def small_course(tmp_path):
    """A course knowing lan and an, with lan's earlier submission in submitted/."""
    course = new_course(tmp_path / "course", ("lan", "an"))
    shutil.copytree(SUBMISSIONS / "full", course / "submitted" / "lan" / ASSIGNMENT)
    return course


class TestForceAndArguments:
    def test_force_replaces_an_earlier_hand_in(self, small_course, tmp_path):
        folder = tmp_path / "bai"
        folder.mkdir()
        shutil.copy(example("partial"), folder / "Lan (1).ipynb")
        code, output = run_cli("handin", ASSIGNMENT, str(folder), "--force", "--course-dir", str(small_course))
        assert code == 0, output
        assert "--force" in output
        assert submitted(small_course, "lan").read_bytes() == example("partial").read_bytes()

    def test_a_link_in_submitted_is_not_written_through(self, small_course, tmp_path):
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        (small_course / "submitted" / "an").symlink_to(elsewhere, target_is_directory=True)
        folder = tmp_path / "bai"
        folder.mkdir()
        shutil.copy(example("full"), folder / "an.ipynb")
        code, output = run_cli("handin", ASSIGNMENT, str(folder), "--force", "--course-dir", str(small_course))
        assert code == 1 and "an:" in output
        assert list(elsewhere.iterdir()) == []

    def test_bad_arguments_exit_2(self, small_course, tmp_path):
        assert run_cli("handin", ASSIGNMENT, str(tmp_path / "missing"), "--course-dir", str(small_course))[0] == 2
        code, output = run_cli("handin", "topic99", str(tmp_path), "--course-dir", str(small_course))
        assert code == 2 and "topic99" in output

    def test_the_report_speaks_english_when_asked(self, small_course, tmp_path, english):
        folder = tmp_path / "bai"
        folder.mkdir()
        shutil.copy(example("full"), folder / "an_topic08.ipynb")
        code, output = run_cli("handin", ASSIGNMENT, str(folder), "--course-dir", str(small_course))
        assert code == 0, output
        assert "an_topic08.ipynb: taken for an (topic08)." in output
