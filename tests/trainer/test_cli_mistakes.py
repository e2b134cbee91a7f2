"""``ocop`` names a trainer's mistakes, in Vietnamese, and never reports a typo as "0 graded"."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from ocopkit.i18n import _
from ocopkit.trainer import cli, cohort, ledger
from ocopkit.trainer.course import Course, make_working_course
from ocopkit.trainer.grade_command import _nothing_to_grade


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return make_working_course(tmp_path_factory.mktemp("lop") / "course")


def run(*argv) -> tuple[int, str, str]:
    """Run ``ocop`` in this process; return its exit code, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(argv))
        except SystemExit as stop:  # argparse's own exits: --help, --version, a usage error
            code = stop.code
    return code, out.getvalue(), err.getvalue()


class TestMistakes:
    def test_an_unknown_assignment_is_an_error_that_lists_the_real_ones(self, course):
        code, out, err = run("grade", "topic99", "--course-dir", str(course), "--unsafe")
        assert code == 2 and out == ""
        assert "Khóa học không có bài tập 'topic99'" in err and "topic08" in err
        assert "0 bài nộp" not in out + err

    @pytest.mark.parametrize("command", [["feedback", "topic99"], ["handin", "topic99", "."], ["generate", "topic99"]])
    def test_every_command_names_an_unknown_assignment(self, course, command):
        code, _out, err = run(*command, "--course-dir", str(course))
        assert code == 2 and "topic99" in err and "topic08" in err

    def test_a_folder_that_is_not_a_course(self, tmp_path):
        code, out, err = run("grade", "topic08", "--course-dir", str(tmp_path))
        assert code == 2 and out == ""
        assert "ocop grade: lỗi: tham số --course-dir:" in err
        assert f"{tmp_path} không phải thư mục khóa học" in err and "nbgrader_config.py" in err

    def test_nothing_submitted_yet_is_said_not_counted(self, course):
        code, out, _err = run("grade", "topic08", "--course-dir", str(course), "--unsafe")
        assert code == 0 and "Chưa có bài nộp nào của topic08" in out
        assert "0 bài nộp" not in out

    def test_all_already_graded_says_how_to_regrade(self, tmp_path):
        folder = make_working_course(tmp_path / "course")
        (folder / "submitted" / "lan" / "topic08").mkdir(parents=True)
        message = _nothing_to_grade(Course(folder), "topic08")
        assert "1 bài nộp của topic08 đều đã chấm" in message and "--force" in message

    def test_a_missing_argument_in_vietnamese(self):
        code, _out, err = run("grade")
        assert code == 2 and "cách dùng: ocop grade" in err and "lỗi: còn thiếu tham số bắt buộc: assignment" in err


class TestHelp:
    def test_help_and_argparse_words_are_vietnamese_with_examples(self):
        code, out, _err = run("--help")
        assert code == 0
        for words in ("cách dùng: ocop", "tùy chọn:", "hiện trợ giúp này rồi thoát", "Ví dụ:", "ocop grade topic08"):
            assert words in out, words
        for english in ("usage:", "options:", "show this help"):
            assert english not in out

    def test_each_command_explains_its_arguments(self):
        code, out, _err = run("export", "--help")
        text = " ".join(out.split())  # argparse wraps the help at the terminal's width
        assert code == 0 and "--xlsx" in text and "--delimiter" in text and "Excel cài đặt vùng Việt Nam" in text

    def test_version(self):
        code, out, _err = run("--version")
        assert code == 0 and re.fullmatch(r"ocop \(OCOP Course Kit\) \S+\n", out)


class TestProgress:
    class Log(io.StringIO):
        def isatty(self):
            return False

    def test_a_line_at_once_and_no_false_eta_before_the_first_result(self):
        stream = self.Log()
        progress = cohort.Progress(80, stream=stream)
        progress.LOG_EVERY = 0  # a log gets a line per result here, not every few seconds
        progress.start()
        first = stream.getvalue()
        assert "0/80" in first and "đang ước tính thời gian còn lại" in first and "ETA" not in first
        progress.update(ledger.Grading("topic08", "lan", "graded", "", 10, 13))
        assert "1/80" in stream.getvalue().splitlines()[-1] and "còn khoảng" in stream.getvalue()

    def test_a_terminal_line_is_redrawn_every_second(self):
        class Terminal(io.StringIO):
            def isatty(self):
                return True

        stream = Terminal()
        progress = cohort.Progress(5, stream=stream)
        progress.start()
        progress.tick()
        assert stream.getvalue().count("\r") == 2 and "\n" not in stream.getvalue()


def test_messages_have_no_english_left_in_grade_errors():
    assert _("The course has no assignment {assignment!r}. Its assignments: {known}.").startswith("Khóa học")
