"""Grade one submission with nbgrader, naming every failure instead of hiding it as a zero.

Before nbgrader runs, each submitted notebook is checked for the faults that
stock nbgrader reports only as a traceback or a zero: a missing, empty,
non-UTF-8 or damaged file, or a notebook of the wrong format. Then nbgrader's
own ``autograde`` grades it. A kernel that died or timed out for reasons
outside the submission is retried; what still fails is ``failed`` with a
reason a trainer understands. Answer cells that reach into Python's
machinery are flagged for a trainer's review.

See Also
--------
ocopkit.cohort : grades a whole cohort in parallel, sandboxed and resumable.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import re
from pathlib import Path

import nbformat

from . import ledger, precheck
from .i18n import _
# The pre-checks live in precheck.py; these names stay importable from here.
from .precheck import entries, folder_problem, format_problem, notebook_problem  # noqa: F401

# Failures that can come from a busy machine rather than from the submission.
TRANSIENT = ("Timeout waiting for IOPub output", "Kernel didn't respond", "Kernel died before replying",
             "DeadKernelError", "Kernel died")

def suspicious_patterns() -> dict[str, str]:
    """Answer-cell code that can make tests pass without a right answer, or reach the grader."""
    return {
        r"\bbuiltins\b|__builtins__": _("redefine Python built-ins"),
        r"sys\.modules": _("replace loaded modules"),
        r"__eq__|__ne__|__hash__|__class__|__bases__|__subclasses__": _("change how values compare"),
        r"\bsetattr\s*\(|\bdelattr\s*\(": _("change objects' attributes"),
        r"\b(checks|datasets|ocopkit|pd|pandas|np|numpy)\.\w+\s*=[^=]": _("replace a library function"),
        r"\bimportlib\b|\bctypes\b|\bgc\.get_objects\b|\binspect\b": _("inspect or rewrite the running program"),
        r"\bos\._exit\b|\bsignal\.": _("end or trap the grading process"),
        r"\bsocket\b|\burllib\b|\brequests\b|\bsubprocess\b": _("open connections or start programs"),
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
    known = [("OutputLimitExceeded", None), ("NotebookTimeLimit", None),
             ("Timeout waiting for IOPub output", _("the kernel stopped answering (IOPub timeout), even after retries")),
             ("UnresponsiveKernelError", _("the kernel hung and did not answer an interrupt")),
             ("DeadKernelError", _("the kernel died while running the notebook (the code may end Python, "
                                   "e.g. os._exit, or exhaust memory)")),
             ("Kernel died", _("the kernel died while running the notebook (the code may end Python, "
                               "e.g. os._exit, or exhaust memory)"))]
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


def code_sources(path: Path) -> list[str]:
    """Return the source of every code cell, read as plain JSON (already validated once)."""
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    return ["".join(c["source"]) if isinstance(c.get("source"), list) else c.get("source", "")
            for c in cells if c.get("cell_type") == "code"]


@functools.lru_cache(maxsize=64)
def _released_sources(path: str, modified: float) -> frozenset:
    """The released notebook's code cells; cached while the file is unchanged."""
    return frozenset(code_sources(Path(path)))


def suspicious_code(folder: Path, release_folder: Path) -> list[str]:
    """Return what the participant's own code cells do that a trainer should look at.

    Only cells that differ from the released notebook are read, so the kit's
    own setup and test cells never raise a flag.
    """
    findings = []
    for release in sorted(release_folder.glob("*.ipynb")):
        given = _released_sources(str(release), release.stat().st_mtime)
        for source in code_sources(folder / release.name):
            if source in given:
                continue
            for pattern, meaning in suspicious_patterns().items():
                if re.search(pattern, source) and meaning not in findings:
                    findings.append(meaning)
    return findings


def timed_out_cells(api, assignment: str, participant_id: str) -> list[str]:
    """Return the ids of cells that nbgrader stopped at the per-cell time limit."""
    folder = Path(api.coursedir.format_path(api.coursedir.autograded_directory, participant_id, assignment))
    found = []
    for path in sorted(folder.glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8")).get("cells", []):
            if any(o.get("ename") == "CellTimeoutError" for o in cell.get("outputs", [])):
                found.append(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", cell.get("id", "?")))
    return found


def graded_outcome(api, assignment: str, participant_id: str, flags: list[str]) -> ledger.Grading:
    """Read the score nbgrader saved, with notes for the trainer."""
    gradebook = api.gradebook
    try:
        submission = gradebook.find_submission(assignment, participant_id)
        score, max_score, manual = submission.score, submission.max_score, submission.needs_manual_grade
    finally:
        gradebook.close()
    notes = []
    if flags:
        notes.append(_("flagged for review: the answer cells {what}").format(what="; ".join(flags)))
    slow = timed_out_cells(api, assignment, participant_id)
    if slow:
        notes.append(_("stopped at the time limit: {cells}").format(cells=", ".join(slow)))
    if manual:
        notes.append(_("written answers await a trainer's grading"))
    return ledger.Grading(assignment, participant_id, "graded", "; ".join(notes), score, max_score)


def grade_submission(api, assignment: str, participant_id: str, retries: int = 2) -> ledger.Grading:
    """Grade one participant's submission and return the named outcome.

    Parameters
    ----------
    api : nbgrader.apps.NbGraderAPI
    assignment, participant_id : str
    retries : int
        How many more times to try when the kernel died or went silent for
        reasons that may lie outside the submission.

    Returns
    -------
    ledger.Grading
        ``graded`` with score and maximum, or ``failed`` with the reason.
    """
    folder = submission_folder(api, assignment, participant_id)
    stamp = fingerprint(folder) if folder.is_dir() else ""
    problems = [folder_problem(folder)] + [notebook_problem(folder / n) for n in expected_notebooks(api, assignment)]
    problem = next((p for p in problems if p), None)
    if problem:
        return ledger.Grading(assignment, participant_id, "failed", problem, None, None, stamp)
    release = Path(api.coursedir.format_path(api.coursedir.release_directory, ".", assignment))
    flags = suspicious_code(folder, release)
    for _attempt in range(retries + 1):
        result = api.autograde(assignment, participant_id, force=True, create=True)
        if result.get("success") or not is_transient(result):
            break
    if not result.get("success"):
        return ledger.Grading(assignment, participant_id, "failed", failure_reason(result), None, None, stamp)
    return dataclasses.replace(graded_outcome(api, assignment, participant_id, flags), fingerprint=stamp)
