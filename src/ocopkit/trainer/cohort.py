"""Grade a whole cohort: in parallel, sandboxed, resumable, with a progress line.

The parent process hands submissions to worker processes (one per core by
default). Each worker keeps nbgrader loaded and grades one submission at a
time with nbgrader's own autograde, its kernels running in the worker's own
sandbox. The parent alone writes the ledger, as each submission finishes:

- an interrupted run (Ctrl-C, a kill) leaves every finished submission
  recorded, and a rerun skips those whose files have not changed;
- a submission that hangs past its deadline has its worker killed (and with
  it the sandbox), is recorded as failed, and a fresh worker takes over.

With ``shared`` several machines grade one cohort: the parent takes each
submission from the claim table of the PostgreSQL gradebook
(:mod:`ocopkit.trainer.claims`) instead of from its own list.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import _
from . import claims, gradebook_engines, grading, ledger, run_guard, sandbox
from .course import Course
from .execute import AUTOGRADE_PREPROCESSORS
from .metadata_check import SANITIZE_PREPROCESSORS

PR_SET_PDEATHSIG = 1


@dataclass
class GradeOptions:
    """How to grade a cohort."""

    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    force: bool = False
    retry_failed: bool = False
    unsafe: bool = False
    retries: int = 2
    lock_wait: float = grading.LOCK_WAIT_SECONDS  # seconds to wait for a gradebook another program holds
    deadline: float | None = None  # seconds per submission; from the notebook's cells when None
    limits: sandbox.Limits = field(default_factory=sandbox.Limits)
    fork_kernels: bool = True  # kernels forked by each worker's zygotes (sandbox/zygote.py)
    shared: bool = False  # share the cohort with other machines through the PostgreSQL gradebook (claims.py)


def die_with_parent() -> None:
    """Ask Linux to kill this worker when the grading parent dies, even by SIGKILL."""
    try:
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def configure_for(worker_sandbox, limits: sandbox.Limits):
    """Return the nbgrader config adjustment of one worker."""

    def configure(config):
        config.Autograde.autograde_preprocessors = AUTOGRADE_PREPROCESSORS
        config.Autograde.sanitize_preprocessors = SANITIZE_PREPROCESSORS
        config.GuardedExecute.max_output_bytes = limits.output_bytes
        # The outputs are in hand when the last cell ends: kill the kernel
        # rather than wait half a second for a polite shutdown.
        config.GuardedExecute.shutdown_kernel = "immediate"
        config.AsyncKernelManager.client_class = "ocopkit.trainer.kernel_client.PromptKernelClient"
        gradebook_engines.share()  # compile each gradebook query once per worker, not once per submission
        if worker_sandbox is not None:
            worker_sandbox.nbgrader_config(config)

    return configure


def worker_main(course: Course, assignment, worker_sandbox, options, connection) -> None:
    """Grade the submissions the parent sends until it sends None; send back each outcome."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    if worker_sandbox is not None:
        os.environ.update(worker_sandbox.environment())
    api = course.make_api(configure_for(worker_sandbox, options.limits))
    if worker_sandbox is not None:
        try:
            worker_sandbox.prewarm(grading.assignment_imports(api, assignment))
        except Exception:  # the first kernel starts them again, and its failure names what went wrong
            pass
    while (participant_id := connection.recv()) is not None:
        if worker_sandbox is not None:
            worker_sandbox.reset()  # nothing of the last participant's kernels survives into this one
        try:
            outcome = grading.grade_submission(api, assignment, participant_id, options.retries, options.lock_wait)
        except run_guard.GradebookLocked as error:
            outcome = ledger.Grading(assignment, participant_id, GRADEBOOK_LOCKED, str(error), None, None)
        except Exception as error:  # never lose the run to one submission
            outcome = ledger.Grading(
                assignment,
                participant_id,
                "failed",
                _("the grader failed on it: {error}").format(error=error),
                None,
                None,
            )
            if run_guard.is_disk_full_error(error):
                outcome = dataclasses.replace(outcome, status=DISK_FULL)
        connection.send(machine_fault(api, outcome))
        if worker_sandbox is not None:
            worker_sandbox.reset()


# Outcomes that are the machine's fault: never recorded against the participant; they stop the run.
DISK_FULL = "disk_full"
GRADEBOOK_LOCKED = "gradebook_locked"


def disk_paths(course_dir) -> list[str]:
    """The folders grading writes to: the course (autograded/, gradebook, ledger), temporary files, the sandbox."""
    return [str(course_dir), tempfile.gettempdir(), str(sandbox.LOCK_DIR)]


def disk_full(course_dir) -> run_guard.DiskFull:
    """The error that stops a run on a full disk, naming the full folder."""
    return run_guard.DiskFull(run_guard.disk_full_message(run_guard.full_disk(disk_paths(course_dir))))


def machine_fault(api, outcome: ledger.Grading) -> ledger.Grading:
    """Turn a failure that a full disk caused into a ``disk_full`` outcome.

    The error's words alone are not trusted (a participant can print them):
    the disk must also really be full.
    """
    if (
        outcome.status == "failed"
        and run_guard.mentions_full_disk(outcome.reason)
        and run_guard.full_disk(disk_paths(api.coursedir.root))
    ):
        return dataclasses.replace(outcome, status=DISK_FULL)
    return outcome


def deadline_seconds(api, assignment: str) -> float:
    """Return how long one submission may take: every code cell at its time limit, plus start-up."""
    import nbformat

    release = Path(api.coursedir.format_path(api.coursedir.release_directory, ".", assignment))
    cells = sum(
        1
        for path in release.glob("*.ipynb")
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "code"
    )
    timeout = api.config.Execute.get("timeout", 30) or 30
    return 120 + cells * timeout * 1.2


def pending(course: Course, assignment: str, options: GradeOptions) -> list[str]:
    """Return participants to grade now; finished, unchanged submissions are skipped."""
    api, done = course.api, course.ledger.gradings(assignment)
    todo = []
    for participant_id in grading.submitted_participants(api, assignment):
        previous = done.get((assignment, participant_id))
        unchanged = previous is not None and previous.fingerprint == grading.fingerprint(
            grading.submission_folder(api, assignment, participant_id)
        )
        if options.force or not unchanged or (options.retry_failed and previous.status == "failed"):
            todo.append(participant_id)
    return todo


class Progress:
    """A progress line with rate and ETA, from the first second.

    On a terminal one line is redrawn every second; in a log (not a terminal)
    a plain line is written at the start, then at most every few seconds as
    submissions finish, and at the end. Until a submission is done there is no
    rate to estimate from, and the line says so rather than "ETA 00:00:00".
    """

    LOG_EVERY = 5.0  # seconds between lines in a log

    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.stream, self.started = total, stream, time.monotonic()
        self.done = self.failed = 0
        self.last_print = float("-inf")

    def start(self) -> None:
        """Say at once how many submissions there are to grade."""
        self._print(time.monotonic())

    def tick(self) -> None:
        """Redraw the line on a terminal (the elapsed time moves even before the first result)."""
        if self.stream.isatty():
            self._print(time.monotonic())

    def update(self, outcome: ledger.Grading) -> None:
        """Count one finished submission and show it."""
        self.done += 1
        self.failed += outcome.status == "failed"
        now = time.monotonic()
        if self.stream.isatty() or now - self.last_print >= self.LOG_EVERY or self.done == self.total:
            self._print(now)

    def _print(self, now: float) -> None:
        self.last_print = now
        end = "\r" if self.stream.isatty() and self.done < self.total else "\n"
        print(self.line(now), end=end, file=self.stream, flush=True)

    def line(self, now: float) -> str:
        """``[####....] 12/80 · 1.9 s each · ETA 00:02:09 · failed 1 · 00:00:23``."""
        elapsed = now - self.started
        width = 24
        filled = int(width * self.done / self.total) if self.total else width
        bar = "#" * filled + "." * (width - filled)
        clock = time.strftime("%H:%M:%S", time.gmtime(elapsed))
        if not self.done:
            return _("[{bar}] {done}/{total} · estimating the time left · {elapsed}").format(
                bar=bar, done=0, total=self.total, elapsed=clock
            )
        rate = elapsed / self.done
        return (
            _("[{bar}] {done}/{total} · {rate:.1f} s each · ETA {eta} · failed {failed}").format(
                bar=bar,
                done=self.done,
                total=self.total,
                rate=rate,
                eta=time.strftime("%H:%M:%S", time.gmtime(rate * (self.total - self.done))),
                failed=self.failed,
            )
            + f" · {clock}"
        )


class WorkerPool:
    """Worker processes, each with its own sandbox and pipe, and the submission each is grading.

    A pipe per worker, not a shared queue: a worker killed mid-message can
    then only spoil its own pipe, which is thrown away with it.
    """

    def __init__(self, course: Course, assignment, options, sandboxes):
        self.context = multiprocessing.get_context("fork")
        self.args = (course, assignment)
        self.options, self.sandboxes = options, sandboxes
        self.workers = {}

    def start(self, index: int) -> None:
        """Start (or restart) worker ``index``."""
        ours, theirs = self.context.Pipe()
        worker_sandbox = self.sandboxes[index] if self.sandboxes else None
        process = self.context.Process(
            target=worker_main, daemon=True, args=(*self.args, worker_sandbox, self.options, theirs)
        )
        process.start()
        theirs.close()
        self.workers[index] = {"process": process, "pipe": ours, "current": None, "since": 0.0}

    def assign(self, index: int, participant_id: str) -> None:
        worker = self.workers[index]
        worker.update(current=participant_id, since=time.monotonic())
        worker["pipe"].send(participant_id)

    def idle(self) -> list[int]:
        return [i for i, w in self.workers.items() if w["current"] is None]

    def receive(self, timeout: float) -> list[ledger.Grading]:
        """Return the outcomes that arrived within ``timeout`` seconds, freeing their workers."""
        busy = {id(w["pipe"]): w for w in self.workers.values() if w["current"] is not None}
        ready = multiprocessing.connection.wait([w["pipe"] for w in busy.values()], timeout)
        outcomes = []
        for pipe in ready:
            worker = busy[id(pipe)]
            try:
                outcomes.append(pipe.recv())
            except (EOFError, OSError):  # the worker itself died: its submission failed
                outcomes.append(
                    ledger.Grading(
                        self.args[1],
                        worker["current"],
                        "failed",
                        _("the grading worker stopped unexpectedly"),
                        None,
                        None,
                    )
                )
                self.restart(next(i for i, w in self.workers.items() if w is worker))
                continue
            worker["current"] = None
        return outcomes

    def overdue(self, limit: float) -> list[tuple[int, str]]:
        now = time.monotonic()
        return [
            (i, w["current"]) for i, w in self.workers.items() if w["current"] is not None and now - w["since"] > limit
        ]

    def restart(self, index: int) -> None:
        """Kill a worker (its sandboxed kernel dies with it) and start a fresh one."""
        self.workers[index]["process"].kill()
        self.workers[index]["process"].join()
        self.workers[index]["pipe"].close()
        self.start(index)

    def stop(self) -> None:
        for worker in self.workers.values():
            try:
                worker["pipe"].send(None)
            except OSError:
                pass
        for worker in self.workers.values():
            worker["process"].join(timeout=5)
            if worker["process"].is_alive():
                worker["process"].kill()


def grade_cohort(
    course: Course | str | Path,
    assignment: str,
    options: GradeOptions | None = None,
    progress: Progress | None = None,
    on_outcome=None,
) -> list[ledger.Grading]:
    """Grade every pending submission of an assignment and record each outcome.

    Parameters
    ----------
    course : Course or path
        The course (opened once by the caller), or its folder.
    assignment : str
    options : GradeOptions
    progress : Progress, optional
    on_outcome : callable, optional
        Called with each outcome as it is recorded.

    Returns
    -------
    list of ledger.Grading
        The outcomes of this run (skipped submissions are not repeated).

    Raises
    ------
    RuntimeError
        When the sandbox is unavailable and ``options.unsafe`` is not set.
    run_guard.GradingBusy
        When another run is grading the same course.
    run_guard.DiskFull
        When the disk grading writes to is full; what was recorded stays, the
        rest waits for the next run.
    """
    options = options or GradeOptions()
    course = Course.of(course)
    with run_guard.course_lock(course.root, assignment):
        try:
            return _grade_locked(course, assignment, options, progress, on_outcome)
        except run_guard.MachineFault:
            raise
        except Exception as error:
            if run_guard.is_disk_full_error(error) or (
                run_guard.mentions_full_disk(str(error)) and run_guard.full_disk(disk_paths(course.root))
            ):
                raise disk_full(course.root) from error
            raise


def _grade_locked(course: Course, assignment, options, progress, on_outcome) -> list[ledger.Grading]:
    """The body of :func:`grade_cohort`, run while this run holds the course."""
    if options.shared:
        return _grade_shared(course, assignment, options, progress, on_outcome)
    todo = pending(course, assignment, options)
    if not todo:
        return []
    with _pool(course, assignment, options, len(todo)) as (pool, workers, deadline):
        return _run(pool, workers, todo, deadline, course, progress or Progress(len(todo)), on_outcome)


@contextlib.contextmanager
def _pool(course: Course, assignment, options, count: int):
    """Sandboxes and a worker pool for ``count`` submissions, stopped and cleaned up afterwards."""
    workers = max(1, min(options.workers, count))
    sandboxes = [] if options.unsafe else sandbox.prepare(workers, options.limits, options.fork_kernels)
    pool = WorkerPool(course, assignment, options, sandboxes)
    try:
        # A worker waiting for a locked gradebook is not hung: its wait counts on top.
        deadline = (options.deadline or deadline_seconds(course.api, assignment)) + options.lock_wait
        yield pool, workers, deadline
    finally:
        pool.stop()
        sandbox.cleanup(sandboxes)


def _grade_shared(course: Course, assignment, options, progress, on_outcome) -> list[ledger.Grading]:
    """Grade this machine's share of a cohort that other machines grade too (:mod:`.claims`).

    Every machine's outcomes are copied into this course's ledger at the end,
    also when there was nothing left to grade here: export and report then see
    the whole cohort.
    """
    import psycopg

    try:
        board = claims.ClaimBoard(course.api.coursedir.db_url, assignment)
    except psycopg.Error as error:
        raise claims.unreachable(error) from error
    try:
        total = board.enqueue(course.api)
        if not total:
            return []
        with _pool(course, assignment, options, total) as (pool, workers, deadline):
            return _run_shared(pool, workers, board, deadline, course, progress or Progress(total), on_outcome)
    except psycopg.Error as error:
        raise claims.unreachable(error) from error
    finally:
        with contextlib.suppress(psycopg.Error):  # without the database, the next run copies them
            board.copy_to(course.ledger)
        board.close()  # a claim still held (a machine fault, Ctrl-C) is rolled back: another machine takes it


def _collect(pool, deadline) -> list[ledger.Grading]:
    """The outcomes that arrived within a second, and a failure for each worker past its deadline."""
    found = pool.receive(timeout=1)
    for index, participant_id in pool.overdue(deadline):
        pool.restart(index)
        found.append(
            ledger.Grading(
                pool.args[1],
                participant_id,
                "failed",
                _("grading took longer than {seconds} s: the kernel hung and was stopped").format(
                    seconds=int(deadline)
                ),
                None,
                None,
            )
        )
    return found


def _settled(item: ledger.Grading, course: Course, assignment: str) -> ledger.Grading:
    """Stop the run on a machine fault; give a failure found here the fingerprint of its submission."""
    if item.status == DISK_FULL:
        raise disk_full(course.root)
    if item.status == GRADEBOOK_LOCKED:
        raise run_guard.GradebookLocked(item.reason)
    if not item.fingerprint:  # failures found here, not by the worker: a rerun must still skip them
        folder = grading.submission_folder(course.api, assignment, item.participant_id)
        item = dataclasses.replace(item, fingerprint=grading.fingerprint(folder))
    return item


def _run(pool, workers, todo, deadline, course: Course, progress, on_outcome) -> list[ledger.Grading]:
    """Feed workers, collect outcomes, replace hung workers."""
    for index in range(workers):
        pool.start(index)
    waiting, outcomes = list(todo), []
    progress.start()
    while len(outcomes) < len(todo):
        progress.tick()
        for index in pool.idle():
            if waiting:
                pool.assign(index, waiting.pop(0))
        for item in _collect(pool, deadline):
            outcomes.append(_recorded(_settled(item, course, pool.args[1]), course, progress, on_outcome))
    return outcomes


def _recorded(item: ledger.Grading, course: Course, progress, on_outcome) -> ledger.Grading:
    """Record an outcome in this machine's ledger, count it and pass it on; return it."""
    course.ledger.record(item)
    progress.update(item)
    if on_outcome:
        on_outcome(item)
    return item


def _run_shared(pool, workers, board, deadline, course: Course, progress, on_outcome) -> list[ledger.Grading]:
    """Like :func:`_run`, the submissions claimed one by one from the claim table.

    The run ends when no submission of the assignment is pending on any
    machine: while another machine still grades, this one waits, so that it
    takes over what that machine leaves if it dies.
    """
    for index in range(workers):
        pool.start(index)
    held, outcomes = {}, []  # participant id -> its claims.Claim, while a worker grades it
    progress.start()
    while held or board.pending():
        progress.tick()
        for index in pool.idle():
            claim = board.claim()
            if claim is None:
                break
            held[claim.participant_id] = claim
            pool.assign(index, claim.participant_id)
        for item in _collect(pool, deadline):
            claim = held.pop(item.participant_id)
            item = _settled(item, course, pool.args[1])
            board.finish(claim, item)  # first the claim table: it is what every machine trusts
            outcomes.append(_recorded(item, course, progress, on_outcome))
    return outcomes
