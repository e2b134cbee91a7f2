"""nbgrader's Execute, with test cells out of the answers' reach, a cap on output and a time budget.

**Tests never run where answers ran.** Stock nbgrader runs a participant's
cells and the test cells in one kernel, so answer code can rewrite what the
tests see: IPython's events and transformers, built-ins, ``__eq__`` of its
own classes, the kernel's own message handlers. ``GuardedExecute`` starts two
kernels per notebook, both through the same kernel manager and kernel spec
(so both are sandboxed alike):

- the *answers* kernel runs every cell except test cells, and never receives
  a test cell's source;
- the *tests* kernel runs only cells nbgrader has checked against the
  gradebook (a ``grade_id`` and ``locked``: ``OverwriteCells`` restored their
  source): the assignment's setup cells and its test cells. Before each test
  cell, the answers cross from the first kernel as plain data
  (:mod:`ocopkit.trainer.answer_transfer`), never as code or objects.

The test cells' outputs, which nbgrader scores and feedback shows, come from
the tests kernel.

**What ran.** Before the first cell, the answers kernel starts
:mod:`ocopkit.trainer.run_audit`; before each test cell and after the last cell the
grader asks it what the answer code did. :func:`take_flags` hands the kinds
found to grading, which flags the submission for review. Marks never depend
on it.

**Output cap.** Stock nbgrader keeps every byte a kernel prints in memory and
in the graded notebook (its ``LimitOutput`` trims lines only afterwards).
``GuardedExecute`` counts the bytes of every output message as it arrives,
drops outputs past the cap, and then fails the notebook with
:class:`OutputLimitExceeded`.

**Time budget.** Many cells each just under the per-cell limit would hold a
worker for most of its deadline; past ``notebook_timeout`` seconds in all,
the remaining cells are not run and the notebook fails with
:class:`NotebookTimeLimit`. Each failure's message becomes the reason.
"""

from __future__ import annotations

import ast
import time

from jupyter_core.utils import run_sync
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    Execute,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)
from traitlets import Integer, Unicode

from ..i18n import _
from . import answer_transfer

DUMP = "__import__('ocopkit.trainer.answer_transfer', fromlist=['dump']).dump(globals())"
LOAD = "__import__('ocopkit.trainer.answer_transfer', fromlist=['load']).load(globals(), {text!r})"
AUDIT_START = "__import__('ocopkit.trainer.run_audit', fromlist=['install']).install()"
AUDIT = "__import__('ocopkit.trainer.run_audit', fromlist=['findings']).findings(globals())"

# Kinds of what ran, found in the notebooks this process graded since the last take_flags().
# A worker grades one submission at a time, so this is that submission's.
_ran: set[str] = set()


def take_flags() -> list[str]:
    """Return, and forget, what the answer code of the notebooks graded since the last call did."""
    found = sorted(_ran)
    _ran.clear()
    return found


def expression_value(reply: dict | None, name: str):
    """The value of a user expression in an execute reply, read as a Python literal; None when there is none."""
    try:
        result = reply["content"]["user_expressions"][name]
        return ast.literal_eval(result["data"]["text/plain"]) if result.get("status") == "ok" else None
    except (TypeError, KeyError, ValueError, SyntaxError, MemoryError, RecursionError):
        return None


class OutputLimitExceeded(RuntimeError):
    """A notebook printed more than the grader accepts."""


class NotebookTimeLimit(RuntimeError):
    """A notebook's cells took longer, together, than the grader gives one notebook."""


def is_trusted(cell) -> bool:
    """Return True for a code cell whose source nbgrader restored from the gradebook.

    ``OverwriteCells`` drops the ``grade_id`` of a cell the gradebook does not
    know, resets ``locked`` to the gradebook's value and restores a locked
    cell's source: a cell keeping both is the assignment's own.
    """
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade_id")) and meta.get("locked") is True


def is_test(cell) -> bool:
    """Return True for an autograder test cell of the assignment."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return is_trusted(cell) and bool(meta.get("grade")) and not meta.get("solution")


def message_size(msg: dict) -> int:
    """Return the size in bytes of an output message's payload."""
    content = msg.get("content", {})
    if "text" in content:
        return len(content["text"])
    data = content.get("data") or {}
    return sum(len(value) if isinstance(value, str) else len(str(value)) for value in data.values())


class GuardedExecute(Execute):
    """nbgrader's ``Execute`` with a tests kernel apart, an output cap and a time budget."""

    max_output_bytes = Integer(16 * 1024**2, help="All outputs of one notebook, in bytes.").tag(config=True)
    notebook_timeout = Integer(
        0, help="Seconds for all cells of one notebook together; 0: five times the per-cell timeout, at least 180 s."
    ).tag(config=True)
    tests_kernel_name = Unicode(
        "", help="Kernel spec of the tests kernel; empty: the answers kernel's (the sandbox names its tests zygote)."
    ).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        """Execute the notebook, then fail it if its outputs went over the cap."""
        self._output_bytes, self._started, self._tests, self._audited = 0, time.monotonic(), None, False
        self._tests_ready = False
        self._last_code = max((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), default=-1)
        self._has_tests = any(is_test(cell) for cell in nb.cells)
        self._answers_changed = True  # a cell ran in the answers kernel since the answers last crossed
        if self._last_code < 0:  # nothing to run (a written-answers notebook): no kernel to start and wait for
            return nb, resources
        try:
            if self.kernel_name and self._has_tests:  # the grader's kernel: boot the tests kernel alongside
                self._tests = self._launch_tests_kernel(resources)
            nb, resources = super().preprocess(nb, resources, km)
        finally:
            self._stop_tests_kernel()
        if self._output_bytes > self.max_output_bytes:
            raise OutputLimitExceeded(
                _("the notebook printed {size} MB of output; the limit is {limit} MB").format(
                    size=round(self._output_bytes / 1024**2), limit=round(self.max_output_bytes / 1024**2)
                )
            )
        return nb, resources

    def budget(self) -> int:
        """Seconds the whole notebook may take."""
        return self.notebook_timeout or max(180, 5 * (self.timeout or 30))

    def preprocess_cell(self, cell, resources, index):
        """Run a cell where it belongs: answers in the answers kernel, tests in the tests kernel."""
        if cell.cell_type != "code":
            return cell, resources
        if time.monotonic() - self._started > self.budget():
            raise NotebookTimeLimit(
                _(
                    "the notebook ran longer than {seconds} s in all (the limit for one "
                    "notebook); the cells after that were not run"
                ).format(seconds=self.budget())
            )
        if not self._audited:  # before the first cell: the state to compare with
            self._audited = True
            # As a user expression, like the questions later: outside a cell IPython's builtin trap is off, and
            # the state compared must be taken in the same condition.
            self._send_silently("pass", {"start": AUDIT_START})
        if is_test(cell):
            if self._answers_changed:  # else the tests kernel holds them already, as they are
                self._send_answers()
                self._answers_changed = False
            return self._in_tests_kernel(lambda: super(GuardedExecute, self).preprocess_cell(cell, resources, index))
        if is_trusted(cell) and self._has_tests:  # setup: the tests kernel needs its imports and data too
            self._in_tests_kernel(lambda: self._send_silently(cell.source))
        self._answers_changed = True
        result = super().preprocess_cell(cell, resources, index)
        if index == self._last_code:
            self._record(self._silently("pass", {"ran": AUDIT}))
        return result

    def _record(self, reply: dict | None) -> None:
        """Keep the kinds of what ran that the answers kernel reported (text only: it is the participant's)."""
        found = expression_value(reply, "ran")
        if isinstance(found, list):
            _ran.update(kind for kind in found if isinstance(kind, str) and len(kind) < 40)

    def _in_tests_kernel(self, action):
        """Run ``action`` with the tests kernel as nbclient's current kernel."""
        if self._tests is None:
            self._tests = self._launch_tests_kernel(self.resources)
        if not self._tests_ready:
            run_sync(self._tests[1].wait_for_ready)(timeout=self.startup_timeout)
            self._tests_ready = True
        answers = self.km, self.kc
        self.km, self.kc = self._tests
        try:
            return action()
        finally:
            self.km, self.kc = answers

    def _launch_tests_kernel(self, resources):
        """Start a second kernel the way nbclient starts the first; :meth:`_in_tests_kernel` waits until it is ready.

        Launching does not wait for the kernel to answer, so its start-up (a
        second of imports) overlaps the answers kernel's and the answer cells.
        """
        name = self.tests_kernel_name or self.kernel_name
        manager = self.kernel_manager_class(kernel_name=name, config=self.config)
        path = (resources or {}).get("metadata", {}).get("path") or None
        run_sync(manager.start_kernel)(extra_arguments=self.extra_arguments, cwd=path)
        client = manager.client()
        client.start_channels()
        client.allow_stdin = False
        return manager, client

    def _stop_tests_kernel(self) -> None:
        if self._tests is None:
            return
        manager, client = self._tests
        self._tests = None
        try:
            client.stop_channels()
            run_sync(manager.shutdown_kernel)(now=True)
        except Exception:  # the kernel is gone either way; the sandbox removes what is left
            pass

    def _silently(self, code: str, user_expressions: dict | None = None) -> dict | None:
        """Execute code in the current kernel without recording it; return the reply, or None."""
        msg_id = self._send_silently(code, user_expressions)
        try:
            return None if msg_id is None else self.wait_for_reply(msg_id)
        except Exception:  # a kernel that does not answer gives no answers
            return None

    def _send_silently(self, code: str, user_expressions: dict | None = None) -> str | None:
        """Queue code in the current kernel without recording it or waiting for it; return the request's id.

        A kernel runs its requests in the order they came, so what is queued
        here has run before the next cell nbclient sends, and nbclient skips
        the replies and outputs of requests that are not its cell's. A silent
        request that fails does not make the kernel drop the requests queued
        after it (ipykernel aborts the queue only after a cell that is not
        silent), so the next cell runs as it would have.
        """
        try:
            return self.kc.execute(
                code, silent=True, store_history=False, allow_stdin=False, user_expressions=user_expressions or {}
            )
        except Exception:  # a kernel that does not answer gives no answers
            return None

    def _send_answers(self) -> None:
        """Carry the answers kernel's plain-data values into the tests kernel."""
        reply = self._silently("pass", {"ran": AUDIT, "dump": DUMP})  # in this order: the dump is the kit's code
        self._record(reply)
        text = expression_value(reply, "dump")
        checked = answer_transfer.checked(text if isinstance(text, str) else "{}")
        self._in_tests_kernel(lambda: self._send_silently(LOAD.format(text=checked)))

    def output(self, outs, msg, display_id, cell_index):
        """Keep an output only while the notebook's total stays under the cap."""
        self._output_bytes += message_size(msg)
        if self._output_bytes > self.max_output_bytes:
            return None
        return super().output(outs, msg, display_id, cell_index)


# nbgrader's autograde pipeline with Execute replaced by GuardedExecute, in nbgrader's order, without its
# last step: CheckCellMetadata has already validated the notebook in the sanitizing pass before it ran
# (Autograde.sanitize_preprocessors), and nothing since touches nbgrader's metadata. Validating it again
# cost 0.1-0.2 s a notebook (jsonschema checks its own schema for every cell).
AUTOGRADE_PREPROCESSORS = [
    GuardedExecute,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
]
