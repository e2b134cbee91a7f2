"""Grade the same cohorts with stock nbgrader and with `ocop grade`, and compare.

    python benchmarks/grade_cohort.py [--submissions 60] [--quickstart 48] [--workers 2] [--unsafe] [--fresh-kernels]

Two courses, each graded twice from the same submissions in separate copies:
the kit's Topic 8 (the example submissions, five kinds in turn) and
nbgrader's own quickstart course (``nbgrader quickstart``: ps1, two
notebooks; half the submissions are the solutions, half the released
version). Stock: one sequential ``nbgrader autograde`` (its usual use). Kit:
``ocop grade`` with one worker per core and, when the machine allows it, the
sandbox with forked kernels. The script checks that every score matches,
prints seconds per submission and the ratio for each course, where one kit
submission's time goes, and what 2,400 submissions of a topic would take.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from nbgrader.api import Gradebook  # noqa: E402

from ocopkit.trainer import cohort, execute, grading, sandbox  # noqa: E402
from ocopkit.trainer.course import Course, ensure_tools_on_path, make_working_course, quickstart_course  # noqa: E402

VARIANTS = ("full", "partial", "untouched", "syntax_error", "raises")
COHORT_SIZE = 2400  # participants of one topic in the 2021 series


def nbgrader(course: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, check=True, capture_output=True)


def prepare_topic(base: Path, count: int) -> Path:
    """A working course of the kit with Topic 8 released and ``count`` example submissions placed."""
    course = make_working_course(base, REPO)
    nbgrader(course, "generate_assignment", "topic08", "--force")
    for number in range(count):
        variant = VARIANTS[number % len(VARIANTS)]
        shutil.copytree(REPO / "tests/submissions/topic08" / variant, course / "submitted" / f"p{number:04d}/topic08")
    return course


def prepare_quickstart(base: Path, count: int) -> Path:
    """nbgrader's quickstart course with ps1 released; every other submission is the solution."""
    return quickstart_course(base, count)


def scores(course: Path, assignment: str) -> dict[str, float]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {s["student"]: s["score"] for s in gradebook.submission_dicts(assignment)}


def run_stock(course: Path, assignment: str) -> float:
    started = time.perf_counter()
    nbgrader(course, "autograde", assignment, "--force")
    return time.perf_counter() - started


def kit_options(args) -> cohort.GradeOptions:
    return cohort.GradeOptions(workers=args.workers, unsafe=args.unsafe, fork_kernels=not args.fresh_kernels)


def run_kit(course: Path, assignment: str, options: cohort.GradeOptions, first: list | None = None) -> float:
    """Seconds ``ocop grade`` takes; ``first`` receives the seconds until the first result (start-up included)."""
    started = time.perf_counter()
    results = first if first is not None else []

    def seen(_outcome):
        results.append(time.perf_counter() - started)

    # Opened here, at the edge, as `ocop grade` does: one configuration, API and ledger for the run.
    progress = cohort.Progress(0, stream=open(os.devnull, "w"))
    cohort.grade_cohort(Course(course), assignment, options, progress=progress, on_outcome=seen)
    return time.perf_counter() - started


class StepClock:
    """Seconds spent inside chosen functions, summed by step name (wrappers put in place for one block)."""

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)

    @contextlib.contextmanager
    def watching(self, targets: dict[str, tuple[object, str]]):
        originals = {name: getattr(owner, attribute) for name, (owner, attribute) in targets.items()}
        for name, (owner, attribute) in targets.items():
            setattr(owner, attribute, self._timed(name, originals[name]))
        try:
            yield self
        finally:
            for name, (owner, attribute) in targets.items():
                setattr(owner, attribute, originals[name])

    def _timed(self, name, function):
        if inspect.iscoroutinefunction(function):

            async def timed_async(*args, **kwargs):
                began = time.perf_counter()
                try:
                    return await function(*args, **kwargs)
                finally:
                    self.seconds[name] += time.perf_counter() - began

            return timed_async

        def timed(*args, **kwargs):
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - began

        return timed


def kit_breakdown(course: Path, assignment: str, options: cohort.GradeOptions, rounds: int = 5) -> dict[str, float]:
    """Where one submission's time goes in one kit worker, in this process: median-free means of ``rounds``."""
    from nbclient import NotebookClient

    worker = [] if options.unsafe else sandbox.prepare(1, options.limits, options.fork_kernels)
    clock = StepClock()
    try:
        if worker:
            os.environ.update(worker[0].environment())
        api = Course(course).make_api(cohort.configure_for(worker[0] if worker else None, options.limits))
        if worker:
            worker[0].prewarm(grading.assignment_imports(api, assignment))  # as a grading worker does
        people = sorted(os.listdir(course / "submitted"))[: rounds + 1]
        grading.grade_submission(api, assignment, people[0])  # warm: imports, first gradebook writes
        targets = {
            "whole submission": (grading, "grade_submission"),
            "nbgrader autograde": (grading, "autograde"),
            "kernels and cells": (execute.GuardedExecute, "preprocess"),
            "answers kernel start": (NotebookClient, "start_new_kernel"),
            "answers kernel ready": (NotebookClient, "start_new_kernel_client"),
        }
        with clock.watching(targets):
            for person in people[1:]:
                if worker:
                    worker[0].reset()
                grading.grade_submission(api, assignment, person)
    finally:
        sandbox.cleanup(worker)
    mean = {name: seconds / rounds for name, seconds in clock.seconds.items()}
    kernel = mean.get("answers kernel start", 0.0) + mean.get("answers kernel ready", 0.0)
    return {
        "answers kernel start to ready": kernel,
        "cells (both kernels) and the tests kernel": mean["kernels and cells"] - kernel,
        "nbgrader bookkeeping (converters, gradebook)": mean["nbgrader autograde"] - mean["kernels and cells"],
        "kit checks and outcome": mean["whole submission"] - mean["nbgrader autograde"],
        "one submission in one worker": mean["whole submission"],
    }


def compare(name: str, prepare, count: int, assignment: str, options, scratch: Path) -> dict:
    stock_course = prepare(scratch / f"{name}-stock", count)
    kit_course = prepare(scratch / f"{name}-kit", count)
    stock_seconds = run_stock(stock_course, assignment)
    results: list[float] = []
    kit_seconds = run_kit(kit_course, assignment, options, results)
    same = scores(stock_course, assignment) == scores(kit_course, assignment)
    breakdown = kit_breakdown(prepare(scratch / f"{name}-steps", 6), assignment, options)
    return {
        "name": name,
        "count": count,
        "stock": stock_seconds,
        "kit": kit_seconds,
        "first": min(results, default=0.0),
        "same": same,
        "steps": breakdown,
    }


def report(result: dict) -> None:
    n = result["count"]
    print(f"\n{result['name']}: {n} submissions")
    print(f"  stock nbgrader autograde (sequential): {result['stock'] / n:.2f} s per submission")
    print(f"  ocop grade:                            {result['kit'] / n:.2f} s per submission")
    print(f"  ratio (stock / kit):                   {result['stock'] / result['kit']:.2f}")
    print(f"  kit's first result after:              {result['first']:.1f} s (sandbox, workers, zygotes, one grading)")
    print(f"  scores identical: {result['same']}")
    print("  one kit submission, step by step (s): ")
    for step, seconds in result["steps"].items():
        print(f"    {step:<46} {seconds:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # A cohort is 2,400: a few dozen submissions make the fixed start-up (about 3 s) weigh as little as
    # the machine's time allows, while stock nbgrader grades them in about two minutes.
    parser.add_argument("--submissions", type=int, default=60, help="Topic 8 submissions")
    parser.add_argument("--quickstart", type=int, default=48, help="quickstart submissions; 0 skips the course")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--unsafe", action="store_true", help="kit without the sandbox")
    parser.add_argument("--fresh-kernels", action="store_true", help="kit with every kernel started anew")
    args = parser.parse_args()
    ensure_tools_on_path()
    args.unsafe = args.unsafe or sandbox.unavailable_reason() is not None
    options = kit_options(args)
    with tempfile.TemporaryDirectory() as scratch:
        results = [compare("Topic 8", prepare_topic, args.submissions, "topic08", options, Path(scratch))]
        if args.quickstart:
            results.append(compare("quickstart", prepare_quickstart, args.quickstart, "ps1", options, Path(scratch)))
    load = os.getloadavg()[0]
    kernels = "fresh" if args.fresh_kernels else "forked"
    print(
        f"cores: {os.cpu_count()}   kit workers: {args.workers}   sandbox: {'off' if args.unsafe else 'on'}   "
        f"kernels: {kernels}   load average at the end: {load:.1f}"
    )
    for result in results:
        report(result)
    topic = results[0]
    hours = topic["kit"] / topic["count"] * COHORT_SIZE / 3600
    stock_hours = topic["stock"] / topic["count"] * COHORT_SIZE / 3600
    print(
        f"\n{COHORT_SIZE} submissions of Topic 8 on this machine: ocop grade {hours:.1f} h, stock nbgrader "
        f"{stock_hours:.1f} h"
    )
    if not all(result["same"] for result in results):
        sys.exit("scores differ between stock nbgrader and ocop grade")


if __name__ == "__main__":
    main()
