"""Grading a cohort from a command line: ``ocop grade`` and ``ocop hub grade`` share it.

It turns what can stop a run (no sandbox, another run, a full disk, a locked
gradebook, Ctrl-C) into a message for the trainer and an exit code, and prints
each failed submission with its reason.
"""

from __future__ import annotations

import os
import sys

from ..i18n import _
from . import claims, cohort, sandbox
from .course import Course
from .run_guard import GradingBusy, MachineFault


def unknown_assignment(course: Course, assignment: str) -> str | None:
    """Say what is wrong with an assignment name, or None when the course has it.

    A typo must not end in "0 submissions graded" and exit 0, as if all were well.
    """
    known = course.assignments()
    if assignment in known:
        return None
    return _("The course has no assignment {assignment!r}. Its assignments: {known}.").format(
        assignment=assignment, known=", ".join(known) or _("none yet")
    )


def shared_problem(course: Course, assignment: str, regrade: bool) -> str | None:
    """Say why ``--shared`` cannot be used on this course, or None when it can."""
    if not claims.is_postgres(course.api.coursedir.db_url):
        return _(
            "--shared needs a PostgreSQL gradebook that every grading machine reaches: set "
            "OCOP_GRADEBOOK_URL=postgresql+psycopg://USER:PASSWORD@HOST/DB on each of them."
        )
    if regrade:
        # Each machine would put the others' finished submissions back in the queue.
        return _("--shared cannot be combined with --force or --retry-failed: regrade on one machine without --shared.")
    if not _in_gradebook(course, assignment):
        # Every submission would fail, and be marked done for every machine.
        return _(
            "The shared gradebook has no assignment {assignment}: run nbgrader generate_assignment {assignment} "
            "with this gradebook first (the trainer does it when releasing the assignment)."
        ).format(assignment=assignment)
    return None


def _in_gradebook(course: Course, assignment: str) -> bool:
    """Whether nbgrader's gradebook knows the assignment (autograde fails on every submission otherwise)."""
    from nbgrader.api import MissingEntry

    gradebook = course.api.gradebook
    try:
        gradebook.find_assignment(assignment)
        return True
    except MissingEntry:
        return False
    finally:
        gradebook.close()


def _nothing_to_grade(course: Course, assignment: str) -> str:
    """Why a run graded nothing: no submission yet, or all already graded."""
    submitted = course.root / course.api.coursedir.submitted_directory
    count = sum(1 for folder in submitted.glob(f"*/{assignment}") if folder.is_dir())
    if not count:
        return _("No submission of {assignment} yet: {folder} holds none.").format(
            assignment=assignment, folder=submitted
        )
    return _(
        "Nothing to grade: the {count} submissions of {assignment} are already graded and unchanged. "
        "Add --force to regrade them all, or --retry-failed to regrade those that failed."
    ).format(count=count, assignment=assignment)


def grade_and_report(
    course: Course,
    assignment: str,
    *,
    workers: int | None = None,
    force: bool = False,
    retry_failed: bool = False,
    unsafe: bool = False,
    fresh_kernels: bool = False,
    shared: bool = False,
) -> int:
    """Grade every pending submission of an assignment in the sandbox; print failures and totals.

    Parameters
    ----------
    course : Course
        The course, opened once by the caller.
    assignment : str
        The assignment to grade.
    workers : int, optional
        Parallel workers; one per CPU when omitted.
    force, retry_failed : bool
        Regrade everything, or regrade the submissions that failed.
    unsafe : bool
        Grade without the sandbox (the trainer's explicit choice).
    fresh_kernels : bool
        Start every kernel anew instead of forking it from the worker's zygotes.
    shared : bool
        Grade together with other machines through the PostgreSQL gradebook
        (:mod:`ocopkit.trainer.claims`).

    Returns
    -------
    int
        ``ocop grade``'s exit code: 0 done (or nothing left to grade), 2 an
        unknown assignment, an untrusted configuration (raised when the
        course configuration is read) or ``shared`` without PostgreSQL, 3 no sandbox, 4 another run is
        grading, 5 the machine failed (disk full, gradebook locked), 130 stopped.
    """
    if os.geteuid() == 0:
        # Before anything is written: root refuses a course configuration that
        # another user could have written (course.UntrustedConfig, exit 2).
        course.config()
    problem = unknown_assignment(course, assignment)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    problem = shared and shared_problem(course, assignment, force or retry_failed)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    reason = sandbox.unavailable_reason()
    if reason and not unsafe:
        print(
            _(
                "Refusing to grade: the sandbox is not available ({reason}). Participants' code would run "
                "with your rights and could read or change every grade. Fix that, or pass --unsafe to grade "
                "without the sandbox."
            ).format(reason=reason),
            file=sys.stderr,
        )
        return 3
    options = cohort.GradeOptions(
        workers=workers or os.cpu_count() or 1,
        force=force,
        retry_failed=retry_failed,
        unsafe=unsafe,
        fork_kernels=not fresh_kernels,
        shared=shared,
    )
    try:
        outcomes = cohort.grade_cohort(course, assignment, options)
    except KeyboardInterrupt:
        print(_("Stopped. Finished submissions are recorded; run the same command to go on."), file=sys.stderr)
        return 130
    except GradingBusy as error:
        print(_("Not grading: {reason}").format(reason=error), file=sys.stderr)
        return 4
    except MachineFault as error:  # a full disk, a gradebook held by another program
        print(_("Stopped: {reason}").format(reason=error), file=sys.stderr)
        return 5
    if not outcomes:
        print(_nothing_to_grade(course, assignment))
        return 0
    print_outcomes(outcomes)
    return 0


def print_outcomes(outcomes) -> None:
    """Print each failed submission with its reason, then the totals."""
    failed = [o for o in outcomes if o.status == "failed"]
    for outcome in failed:
        print(_("failed: {participant}: {reason}").format(participant=outcome.participant_id, reason=outcome.reason))
    print(
        _("{total} submissions: {graded} graded, {failed} failed.").format(
            total=len(outcomes), graded=len(outcomes) - len(failed), failed=len(failed)
        )
    )
