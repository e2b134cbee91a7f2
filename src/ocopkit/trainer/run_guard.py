"""Two things a grading run must know about the machine: is another run grading this course, is the disk full.

- :func:`course_lock` lets one ``ocop grade`` at a time work on a course; a
  second one is refused at once with the first one's process id, instead of
  both grading everything.
- :func:`full_disk` tells a full disk from a participant's fault: a grading
  that failed for lack of space is the machine's problem, never recorded
  against the participant, and it stops the run with a non-zero exit.
"""

from __future__ import annotations

import errno
import fcntl
import os
import sqlite3
import stat
from contextlib import contextmanager
from pathlib import Path

from ..i18n import _

LOCK_FILE = ".ocop-grading.lock"
# Below this much free space a write of nbgrader's or the gradebook's may fail.
MIN_FREE_BYTES = 4 * 1024**2
FULL_MARKERS = ("No space left on device", "Errno 28", "database or disk is full", "Disk quota exceeded")


class GradingBusy(RuntimeError):
    """Another grading run holds the course."""


class MachineFault(RuntimeError):
    """Grading cannot go on for a reason outside every submission: the run stops and blames nobody."""


class DiskFull(MachineFault):
    """The disk the grader writes to is full: nobody's submission is to blame."""


class GradebookLocked(MachineFault):
    """Another program held the gradebook for longer than the grader waits."""


@contextmanager
def course_lock(course_dir: Path, assignment: str):
    """Hold the course's grading lock for the body of the ``with``, or raise :class:`GradingBusy`.

    The lock file is opened without following links and must be a plain
    file: the course folder may belong to a trainer, and root must not be
    steered into another file through it.
    """
    descriptor = os.open(course_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise GradingBusy(
                _("{path} is not a plain file; remove it and grade again").format(path=course_dir / LOCK_FILE)
            )
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 200, 0).decode("utf-8", "replace").strip() or "?"
            raise GradingBusy(
                _(
                    "another ocop grade is already grading this course ({holder}); wait until "
                    "it has finished, or stop it, then run this command again"
                ).format(holder=holder)
            ) from None
        try:  # who holds it, for the message of a second run; a full disk must not stop the first
            os.ftruncate(descriptor, 0)
            os.pwrite(descriptor, f"pid {os.getpid()}, {assignment}\n".encode(), 0)
        except OSError:
            pass
        yield
    finally:
        os.close(descriptor)  # closing frees the lock, also when the run is killed


def full_disk(paths) -> Path | None:
    """Return the first of ``paths`` whose file system has (almost) no free space, or None."""
    for path in paths:
        try:
            info = os.statvfs(path)
        except OSError:
            continue
        if info.f_bfree * info.f_frsize < MIN_FREE_BYTES or info.f_ffree == 0 < info.f_files:
            return Path(path)
    return None


def mentions_full_disk(text: str) -> bool:
    """Return True when an error's text says the disk or a database was full."""
    return any(marker in (text or "") for marker in FULL_MARKERS)


def is_disk_full_error(error: BaseException) -> bool:
    """Return True for an OSError of a full disk or a database's 'database or disk is full'.

    SQLAlchemy wraps the driver's error (``.orig``); both are looked at.
    """
    for candidate in (error, getattr(error, "orig", None)):
        if isinstance(candidate, OSError) and candidate.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(candidate, sqlite3.OperationalError) and mentions_full_disk(str(candidate)):
            return True
    return False


def disk_full_message(where: Path | None) -> str:
    """The trainer's message for a run stopped by a full disk."""
    return _(
        "the grading disk is full ({where}): no submission was marked as failed for it. Free some space, "
        "then run the same command again; it goes on where it stopped."
    ).format(where=where or _("unknown folder"))
