"""Tests of ocopkit.friendly and of the notebook side of ocopkit.checks: messages, not tracebacks.

The kernel tests run a real IPython kernel (nbclient), as a participant's
notebook does, and score its cells with nbgrader's own rule.
"""

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbgrader.preprocessors import Execute
from nbgrader.utils import determine_grade

from ocopkit import friendly
from ocopkit.i18n import set_language

SETUP = "from ocopkit import checks\nfrom ocopkit.i18n import set_language\nset_language('vi')"
WRONG = "x = '4 sao'\nchecks.of_type('x', checks.defined('x', globals()), 'integer')"
RIGHT = "x = 4\nchecks.of_type('x', checks.defined('x', globals()), 'integer')\nassert x == 4, 'x sai'"

CELLS = {
    "setup": SETUP,
    "wrong": WRONG,
    "missing": "checks.defined('gia_ban', globals())",
    "right": RIGHT,
    "assert_message": "assert x == 5, 'x phải là 5: xem lại đề bài.'",
    "assert_bare": "assert x == 5",
    "selfcheck": "checks.show('x', globals(), 'một số nguyên (ví dụ 12)')",
    "answer": "y = 2",
    "quote": "ten = 'Nước mắm",
    "bracket": "gia = (1500 + 200",
    "curly": "ten = “Nước mắm”",
    "dotted_number": "gia = 1.500.000",
    "indent": "for i in range(2):\nprint(i)",
    "name": "print(gia_ban)",
    "text_for_number": "'1500' + 1",
    "int_of_text": "int('1.500')",
    "english": "set_language('en')\nx = 4\nassert x == 4, 'x'",
}


def notebook(cells: dict, graded=()):
    """A notebook of code cells, those named in ``graded`` being nbgrader test cells of one point."""
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for grade_id, source in cells.items():
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["grade_id"] = grade_id
        if grade_id in graded:
            cell.metadata["nbgrader"] = {
                "grade": True,
                "grade_id": grade_id,
                "locked": True,
                "points": 1,
                "schema_version": 3,
                "solution": False,
                "task": False,
            }
        nb.cells.append(cell)
    return nb


def run(nb, allow_errors=True):
    NotebookClient(nb, timeout=60, startup_timeout=60, allow_errors=allow_errors, kernel_name="python3").execute()
    return {cell.metadata["grade_id"]: cell for cell in nb.cells}


def traceback_text(cell) -> str:
    return "\n".join(line for out in cell.outputs if out.output_type == "error" for line in out.traceback)


def errors(cell):
    return [out for out in cell.outputs if out.output_type == "error"]


def hints(cell) -> str:
    return "\n".join(out.data["text/plain"] for out in cell.outputs if out.output_type == "display_data")


def stdout(cell) -> str:
    return "".join(out.text for out in cell.outputs if out.output_type == "stream" and out.name == "stdout")


@pytest.fixture(scope="module")
def ran():
    return run(notebook(CELLS, graded=("wrong", "right", "assert_message", "missing")))


@pytest.mark.slow
class TestFailedCheck:
    def test_one_error_output_with_the_vietnamese_message(self, ran):
        cell = ran["wrong"]
        assert len(cell.outputs) == 1 and [out.ename for out in errors(cell)] == ["CheckFailed"]
        text = traceback_text(cell)
        assert "x cần là một số nguyên, bạn đang có chữ trong dấu nháy: '4 sao'." in text
        assert "Chưa đúng" in text

    def test_no_frames_of_the_kit(self, ran):
        for name in ("wrong", "missing"):
            text = traceback_text(ran[name])
            assert "checks.py" not in text and "Traceback" not in text and "raise" not in text, name
            assert len(errors(ran[name])[0].traceback) <= 2, name

    def test_a_missing_answer_says_how_to_create_it(self, ran):
        assert "Chưa có biến gia_ban" in traceback_text(ran["missing"])

    def test_an_assert_with_a_message_is_that_message(self, ran):
        text = traceback_text(ran["assert_message"])
        assert "x phải là 5: xem lại đề bài." in text and "Traceback" not in text

    def test_a_bare_assert_keeps_the_traceback(self, ran):
        assert "AssertionError" in traceback_text(ran["assert_bare"]) and "Traceback" in traceback_text(
            ran["assert_bare"]
        )

    def test_the_kernel_still_reports_an_error(self):
        with pytest.raises(CellExecutionError):
            run(notebook({"setup": SETUP, "wrong": WRONG}), allow_errors=False)

    def test_nbgrader_execute_keeps_one_error_output(self, tmp_path):
        nb = notebook({"setup": SETUP, "wrong": WRONG, "assert_message": "assert 1 == 2, 'sai'"})
        nb, _ = Execute().preprocess(nb, {"metadata": {"path": str(tmp_path)}})
        for cell in nb.cells[1:]:
            assert len(errors(cell)) == 1, cell.outputs

    def test_nbgrader_scores_as_before(self, ran):
        assert determine_grade(ran["wrong"]) == (0, 1)
        assert determine_grade(ran["missing"]) == (0, 1)
        assert determine_grade(ran["assert_message"]) == (0, 1)
        assert determine_grade(ran["right"]) == (1, 1)


@pytest.mark.slow
class TestPassedCheck:
    def test_says_correct(self, ran):
        assert stdout(ran["right"]).strip().endswith("✓ Đúng") and not errors(ran["right"])

    def test_in_english(self, ran):
        assert "✓ Correct" in stdout(ran["english"])

    def test_only_under_a_check(self, ran):
        assert "✓" not in stdout(ran["selfcheck"]) + stdout(ran["answer"]) + stdout(ran["setup"])

    def test_the_self_check_does_not_call_an_answer_right(self, ran):
        assert stdout(ran["selfcheck"]) == "x: cần một số nguyên (ví dụ 12). Bạn đã ghi một số nguyên: 4.\n"


@pytest.mark.slow
class TestHintsInTheKernel:
    @pytest.mark.parametrize(
        "name, ename, hint",
        [
            ("quote", "SyntaxError", "Thiếu dấu nháy"),
            ("bracket", "SyntaxError", "dấu ngoặc"),
            ("curly", "SyntaxError", "dấu nháy thẳng"),
            ("dotted_number", "SyntaxError", "1.500.000"),
            ("indent", "IndentationError", "Khoảng trắng ở đầu dòng"),
            ("name", "NameError", "Python chưa biết tên gia_ban"),
            ("text_for_number", "TypeError", "1500, không phải '1500'"),
            ("int_of_text", "ValueError", 'int("1500")'),
        ],
    )
    def test_error_kept_and_hint_added(self, ran, name, ename, hint):
        cell = ran[name]
        assert [out.ename for out in errors(cell)] == [ename]
        assert hint in hints(cell)
        assert cell.outputs[0].output_type == "error"  # the hint comes under Python's own error

    def test_no_hint_box_under_a_failed_check(self, ran):
        assert hints(ran["wrong"]) == ""


class TestHintFor:
    @pytest.fixture(autouse=True)
    def vietnamese(self):
        set_language("vi")

    @staticmethod
    def syntax_error(source):
        try:
            compile(source, "<cell>", "exec")
        except SyntaxError as error:
            return error
        raise AssertionError("no SyntaxError")

    @pytest.mark.parametrize(
        "source, fragment",
        [
            ("x = 'abc", "Thiếu dấu nháy"),
            ("x = [1, 2", "dấu ngoặc"),
            ("x = [1, 2))", "dấu ngoặc"),
            ("if x = 1:\n    pass", "=="),
            ("if x == 1\n    pass", "dấu hai chấm"),
            ("x = [1 2]", "dấu phẩy"),
            ("gia = 15 000", "hàng nghìn"),
            ("ten = Nước mắm", "dấu nháy"),
        ],
    )
    def test_syntax_errors(self, source, fragment):
        assert fragment in friendly.hint_for(self.syntax_error(source))

    def test_type_errors(self):
        assert "2 * (3 + 4)" in friendly.hint_for(TypeError("'int' object is not callable"))
        assert "'1500'" in friendly.hint_for(TypeError("unsupported operand type(s) for -: 'str' and 'int'"))
        assert "type(x)" in friendly.hint_for(TypeError("something else"))

    def test_name_error_without_a_name_attribute(self):
        assert "gia_ban" in friendly.hint_for(NameError("name 'gia_ban' is not defined"))

    def test_no_hint_for_other_errors(self):
        assert friendly.hint_for(KeyError("x")) is None and friendly.hint_for(ValueError("other")) is None
        assert friendly.hint_for(None) is None

    def test_english(self, english):
        assert friendly.hint_for(NameError("x", name="gia")).startswith("Python does not know the name gia yet")

    def test_the_box_escapes_html(self):
        bundle = friendly.hint_bundle("<b>x</b>")
        assert "&lt;b&gt;x&lt;/b&gt;" in bundle["text/html"] and bundle["text/plain"] == "💡 Gợi ý: <b>x</b>"


class TestExtension:
    class Shell:
        def __init__(self):
            self.shown = []

        def showtraceback(self, exc_tuple=None, *args, **kwargs):
            self.shown.append(exc_tuple)

        def showsyntaxerror(self, *args, **kwargs):
            self.shown.append("syntax")

    def test_load_wraps_once_and_unload_restores(self, monkeypatch):
        shell = self.Shell()
        shown = []
        monkeypatch.setattr(friendly, "_show_hint", shown.append)
        friendly.load_ipython_extension(shell)
        wrapped = shell.showtraceback
        friendly.load_ipython_extension(shell)
        assert shell.showtraceback is wrapped
        error = NameError("name 'a' is not defined", name="a")
        shell.showtraceback((NameError, error, None))
        assert shell.shown == [(NameError, error, None)] and shown == [error]
        friendly.unload_ipython_extension(shell)
        assert shell.showtraceback == self.Shell.showtraceback.__get__(shell)

    def test_a_failing_hint_never_hides_the_error(self, monkeypatch):
        shell = self.Shell()
        monkeypatch.setattr(friendly, "hint_for", lambda error: 1 / 0)
        friendly.load_ipython_extension(shell)
        shell.showtraceback((TypeError, TypeError("x"), None))
        assert len(shell.shown) == 1
