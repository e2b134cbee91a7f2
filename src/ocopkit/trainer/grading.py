"""Grade one submission with nbgrader, naming every failure instead of hiding it as a zero.

Before nbgrader runs, each submitted notebook is checked for the faults that
stock nbgrader reports only as a traceback or a zero: a missing, empty,
non-UTF-8 or damaged file, a notebook of the wrong format, tampered nbgrader
metadata, copied or deleted cells of the assignment (:mod:`ocopkit.trainer.precheck`).
Then nbgrader's own ``autograde`` grades it. A kernel that died or timed out
for reasons outside the submission is retried, and a gradebook that another
program holds is waited for; what still fails is ``failed`` with a reason a
trainer understands. What the answer cells did while they ran (not what their
source looks like) may flag the submission for a trainer's review
(:mod:`ocopkit.trainer.run_audit`).

See Also
--------
ocopkit.trainer.cohort : grades a whole cohort in parallel, sandboxed and resumable.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import sqlite3
import time
from pathlib import Path

from ..i18n import _
from . import execute, ledger, precheck

# The pre-checks live in precheck.py; these names stay importable from here.
from .precheck import entries, folder_problem, format_problem, notebook_problem  # noqa: F401

# Failures that can come from a busy machine rather than from the submission.
TRANSIENT = (
    "Timeout waiting for IOPub output",
    "Kernel didn't respond",
    "Kernel died before replying",
    "DeadKernelError",
    "Kernel died",
)
# SQLite's words when another connection holds the gradebook (nbgrader then suggests `nbgrader db upgrade`).
LOCKED = ("database is locked", "database table is locked")
LOCK_WAIT_SECONDS = 60.0


def ran_flags() -> dict[str, str]:
    """What answer code did while it ran (kinds of :mod:`ocopkit.trainer.run_audit`), as a trainer reads it."""
    return {
        "builtins": _("redefine Python built-ins"),
        "modules": _("replace loaded modules"),
        "comparison": _("change how values compare"),
        "libraries": _("replace a library function"),
        "introspection": _("inspect or rewrite the running program"),
        "ipython": _("change how IPython runs the cells"),
        "exit": _("end or trap the grading process"),
        "programs": _("open connections or start programs"),
    }


def expected_notebooks(api, assignment: str) -> list[str]:
    """Return the notebook file names the released assignment contains."""
    release = Path(api.coursedir.format_path(api.coursedir.release_directory, ".", assignment))
    return sorted(p.name for p in release.glob("*.ipynb"))


def submission_folder(api, assignment: str, participant_id: str) -> Path:
    """Return ``submitted/ID/ASSIGNMENT`` of the course."""
    return Path(api.coursedir.format_path(api.coursedir.submitted_directory, participant_id, assignment))


def submitted_participants(api, assignment: str) -> list[str]:
    """Return the ids of participants with a folder under ``submitted/*/ASSIGNMENT``."""
    submitted = Path(api.coursedir.root) / api.coursedir.submitted_directory
    return sorted(p.parent.name for p in submitted.glob(f"*/{assignment}") if p.is_dir())


def fingerprint(folder: Path) -> str:
    """Return a hash of a submission folder's file names and contents (symlinks by target)."""
    digest = hashlib.sha256()
    for path in entries(folder):
        digest.update(str(path.relative_to(folder)).encode("utf-8", "surrogateescape"))
        if path.is_symlink():
            digest.update(b"->" + str(path.readlink()).encode("utf-8", "surrogateescape"))
        elif path.is_file():
            with path.open("rb") as handle:  # in chunks: a submitted file may be bigger than memory
                digest.update(hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()


def failure_reason(result: dict) -> str:
    """Turn nbgrader's error or log into one line a trainer understands."""
    text = (result.get("error") or "") + "\n" + (result.get("log") or "")
    known = [
        ("OutputLimitExceeded", None),
        ("NotebookTimeLimit", None),
        ("Timeout waiting for IOPub output", _("the kernel stopped answering (IOPub timeout), even after retries")),
        ("UnresponsiveKernelError", _("the kernel hung and did not answer an interrupt")),
        (
            "DeadKernelError",
            _("the kernel died while running the notebook (the code may end Python, e.g. os._exit, or exhaust memory)"),
        ),
        (
            "Kernel died",
            _("the kernel died while running the notebook (the code may end Python, e.g. os._exit, or exhaust memory)"),
        ),
    ]
    for marker, reason in known:
        if marker in text:
            if reason is None:  # our own exception: its message is the reason
                found = re.search(rf"{marker}: (.+)", text)
                return found.group(1) if found else marker
            return reason
    lines = (result.get("error") or "").strip().splitlines()
    exception = next((line for line in reversed(lines) if line and not line.startswith(" ")), "")
    errors = [line for line in (result.get("log") or "").splitlines() if "[ERROR]" in line]
    detail = exception or (errors[0] if errors else _("nbgrader reported a failure without details"))
    return _("nbgrader could not grade it: {detail}").format(detail=detail.replace("[ERROR] ", ""))


def is_transient(result: dict) -> bool:
    """Return True when a failed autograde may succeed on a second try."""
    text = (result.get("error") or "") + (result.get("log") or "")
    return any(marker in text for marker in TRANSIENT)


def timed_out_cells(api, assignment: str, participant_id: str) -> list[str]:
    """Return the ids of cells that nbgrader stopped at the per-cell time limit."""
    folder = Path(api.coursedir.format_path(api.coursedir.autograded_directory, participant_id, assignment))
    found = []
    for path in sorted(folder.glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8")).get("cells", []):
            if any(o.get("ename") == "CellTimeoutError" for o in cell.get("outputs", [])):
                found.append(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", cell.get("id", "?")))
    return found


def graded_outcome(
    api, assignment: str, participant_id: str, flags: list[str], found: list[str] = ()
) -> ledger.Grading:
    """Read the score nbgrader saved, with notes for the trainer (``found``: from the pre-checks)."""
    gradebook = api.gradebook
    try:
        submission = gradebook.find_submission(assignment, participant_id)
        score, max_score, manual = submission.score, submission.max_score, submission.needs_manual_grade
    finally:
        gradebook.close()
    notes = list(found)
    if flags:
        notes.append(_("flagged for review: the answer cells {what}").format(what="; ".join(flags)))
    slow = timed_out_cells(api, assignment, participant_id)
    if slow:
        notes.append(_("stopped at the time limit: {cells}").format(cells=", ".join(slow)))
    if manual:
        notes.append(_("written answers await a trainer's grading"))
    return ledger.Grading(assignment, participant_id, "graded", "; ".join(notes), score, max_score)


def is_locked(text: str) -> bool:
    """True when an error says that another program holds the gradebook."""
    return any(marker in text for marker in LOCKED)


def locked_gradebook_reason(seconds: float) -> str:
    """The trainer's message when the gradebook stayed locked: not the submission's fault, and what to do."""
    return _(
        "the gradebook was held by another program for more than {seconds} s (a database browser, a backup, "
        "or another grader): no submission was marked for it. Close that program, then run the same command "
        "again; it goes on where it stopped."
    ).format(seconds=round(seconds))


def _result_text(result: dict) -> str:
    return (result.get("error") or "") + "\n" + (result.get("log") or "")


def while_locked(action, lock_wait: float, locked=lambda result: False):
    """Call ``action`` until another program stops holding the gradebook, for at most ``lock_wait`` seconds.

    ``action`` is locked out when it raises an error naming the lock, or when
    ``locked(result)`` says so (nbgrader's API returns its errors).

    Raises
    ------
    run_guard.GradebookLocked
        When the gradebook stayed locked.
    """
    from .run_guard import GradebookLocked

    give_up, pause = time.monotonic() + lock_wait, 0.5
    while True:
        try:
            result = action()
            if not locked(result):
                return result
        except Exception as error:
            if not is_locked(str(error)) and not is_locked(str(getattr(error, "orig", ""))):
                raise
        remaining = give_up - time.monotonic()
        if remaining <= 0:  # the message says how long it was waited for: really wait that long
            raise GradebookLocked(locked_gradebook_reason(lock_wait))
        time.sleep(min(pause, remaining))  # back off: the other program is writing
        pause = min(pause * 2, 5.0)


def sqlite_file(db_url: str) -> Path | None:
    """The file of a ``sqlite:///`` gradebook URL; None for another database (PostgreSQL waits by itself)."""
    from sqlalchemy.engine import make_url

    url = make_url(db_url)  # the kit's URL carries "?timeout=60": the file name ends before it
    return (
        Path(url.database)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
        else None
    )


def check_gradebook_writable(db_url: str) -> None:
    """Raise a "database is locked" error at once when another program holds the SQLite gradebook for writing.

    nbgrader waits the gradebook URL's ``timeout`` (60 s in the kit's
    configuration) on a held gradebook before it fails: asking first keeps the
    wait within ``lock_wait``.
    """
    path = sqlite_file(db_url)
    if path is None or not path.exists():
        return
    connection = sqlite3.connect(path, timeout=0.1)
    try:
        connection.execute("BEGIN IMMEDIATE")  # the write lock: refused while another writer holds it
        connection.rollback()
    finally:
        connection.close()


def autograde(api, assignment: str, participant_id: str, retries: int, lock_wait: float) -> dict:
    """Run nbgrader's autograde, again after a transient failure or while the gradebook is locked."""

    def once():
        check_gradebook_writable(api.coursedir.db_url)
        return api.autograde(assignment, participant_id, force=True, create=True)

    while True:
        result = while_locked(once, lock_wait, lambda r: not r.get("success") and is_locked(_result_text(r)))
        if result.get("success") or retries <= 0 or not is_transient(result):
            return result
        retries -= 1


def grade_submission(
    api, assignment: str, participant_id: str, retries: int = 2, lock_wait: float = LOCK_WAIT_SECONDS
) -> ledger.Grading:
    """Grade one participant's submission and return the named outcome.

    Parameters
    ----------
    api : nbgrader.apps.NbGraderAPI
    assignment, participant_id : str
    retries : int
        How many more times to try when the kernel died or went silent for
        reasons that may lie outside the submission.
    lock_wait : float
        Seconds to wait for a gradebook that another program holds.

    Returns
    -------
    ledger.Grading
        ``graded`` with score and maximum, or ``failed`` with the reason.

    Raises
    ------
    run_guard.GradebookLocked
        When the gradebook stayed locked: the run stops, nobody is blamed.
    """
    folder = submission_folder(api, assignment, participant_id)
    precheck.prepare_submission(folder, expected_notebooks(api, assignment))
    stamp = fingerprint(folder) if folder.is_dir() and not folder.is_symlink() else ""
    release = Path(api.coursedir.format_path(api.coursedir.release_directory, ".", assignment))
    found = precheck.check_submission(folder, release)
    if found.problem:
        return ledger.Grading(assignment, participant_id, "failed", found.problem, None, None, stamp)
    execute.take_flags()  # nothing left over from an earlier submission
    result = autograde(api, assignment, participant_id, retries, lock_wait)
    flags = [ran_flags()[kind] for kind in execute.take_flags() if kind in ran_flags()]
    if not result.get("success"):
        return ledger.Grading(assignment, participant_id, "failed", failure_reason(result), None, None, stamp)
    outcome = while_locked(lambda: graded_outcome(api, assignment, participant_id, flags, found.notes), lock_wait)
    return dataclasses.replace(outcome, fingerprint=stamp)


def assignment_imports(api, assignment: str) -> list[str] | None:
    """What the assignment's cells import, from the source cells the gradebook holds; None when unreadable.

    The gradebook's cells are the ones ``generate_assignment`` recorded
    (what autograde restores), so a submission cannot change the list; the
    names are only ever imported inside the sandbox (``sandbox.warmup``).
    """
    from nbgrader.api import Gradebook

    from .sandbox import warmup

    try:
        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
            notebooks = gradebook.find_assignment(assignment).notebooks
            sources = [cell.source or "" for nb in notebooks for cell in nb.source_cells if cell.cell_type == "code"]
    except Exception:  # no gradebook yet, or no such assignment: the zygotes import the kit's default list
        return None
    return warmup.acceptable([name for source in sources for name in warmup.imported_names(source)])
