"""Grade the same synthetic cohort with stock nbgrader and with `ocop grade`, and compare.

    python benchmarks/grade_cohort.py [--submissions 24] [--workers 2] [--unsafe]

Stock: one sequential `nbgrader autograde topic08` over every submission (its
usual use). Kit: `ocop grade topic08` with one worker per core and, when the
machine allows it, the sandbox. Both runs start from the same submissions in
separate copies of the course; the script checks that every score matches,
then prints seconds per submission for each and the ratio. It also times
where one submission's time goes: kernel start, imports, the notebook's own
execution, and nbgrader's bookkeeping (the rest).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from nbgrader.api import Gradebook  # noqa: E402

from ocopkit.trainer import cohort, sandbox  # noqa: E402
from ocopkit.trainer.course import Course, ensure_tools_on_path, make_working_course  # noqa: E402

VARIANTS = ("full", "partial", "untouched", "syntax_error", "raises")
ASSIGNMENT = "topic08"


def prepare(base: Path, count: int) -> Path:
    """A working course with the student version generated and ``count`` submissions placed."""
    course = make_working_course(base, REPO)
    subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force"],
        cwd=course,
        check=True,
        capture_output=True,
    )
    for number in range(count):
        variant = VARIANTS[number % len(VARIANTS)]
        shutil.copytree(
            REPO / "tests" / "submissions" / ASSIGNMENT / variant, course / "submitted" / f"p{number:04d}" / ASSIGNMENT
        )
    return course


def scores(course: Path) -> dict[str, float]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {s["student"]: s["score"] for s in gradebook.submission_dicts(ASSIGNMENT)}


def run_stock(course: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--force"],
        cwd=course,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def run_kit(course: Path, workers: int, unsafe: bool) -> float:
    started = time.perf_counter()
    # Opened here, at the edge, as `ocop grade` does: one configuration, API and ledger for the run.
    cohort.grade_cohort(
        Course(course),
        ASSIGNMENT,
        cohort.GradeOptions(workers=workers, unsafe=unsafe),
        progress=cohort.Progress(0, stream=open(os.devnull, "w")),
    )
    return time.perf_counter() - started


def breakdown(rounds: int = 5) -> dict[str, float]:
    """Time a bare kernel's start, the exercise's imports, and running the full submission."""
    import nbformat
    from jupyter_client.manager import start_new_kernel
    from nbclient import NotebookClient

    starts, imports = [], []
    for _ in range(rounds):
        began = time.perf_counter()
        manager, client = start_new_kernel(kernel_name="python3")
        starts.append(time.perf_counter() - began)
        began = time.perf_counter()
        client.execute_interactive("import pandas as pd\nfrom ocopkit import checks, datasets", timeout=60)
        imports.append(time.perf_counter() - began)
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    notebook = nbformat.read(REPO / "tests/submissions" / ASSIGNMENT / "full" / f"{ASSIGNMENT}.ipynb", 4)
    runs = []
    for _ in range(rounds):
        began = time.perf_counter()
        NotebookClient(notebook, timeout=60, allow_errors=True).execute()
        runs.append(time.perf_counter() - began)
    median = lambda values: sorted(values)[len(values) // 2]  # noqa: E731
    total_run = median(runs)
    return {
        "kernel start": median(starts),
        "imports": median(imports),
        "execution": max(0.0, total_run - median(starts) - median(imports)),
        "kernel run total": total_run,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=24)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--unsafe", action="store_true", help="kit without the sandbox")
    args = parser.parse_args()
    ensure_tools_on_path()
    unsafe = args.unsafe or sandbox.unavailable_reason() is not None
    with tempfile.TemporaryDirectory() as scratch:
        stock_course = prepare(Path(scratch) / "stock", args.submissions)
        kit_course = prepare(Path(scratch) / "kit", args.submissions)
        stock_seconds = run_stock(stock_course)
        kit_seconds = run_kit(kit_course, args.workers, unsafe)
        stock_scores, kit_scores = scores(stock_course), scores(kit_course)
    same = stock_scores == kit_scores
    n = args.submissions
    print(
        f"submissions: {n}   cores: {os.cpu_count()}   kit workers: {args.workers}   "
        f"sandbox: {'off' if unsafe else 'on'}"
    )
    print(f"stock nbgrader autograde (sequential): {stock_seconds / n:.2f} s per submission")
    print(f"ocop grade:                            {kit_seconds / n:.2f} s per submission")
    print(f"ratio (stock / kit):                   {stock_seconds / kit_seconds:.2f}")
    print(f"scores identical: {same}")
    parts = breakdown()
    print("one submission's kernel, median of 5 (s): " + ", ".join(f"{k} {v:.2f}" for k, v in parts.items()))
    print(
        f"nbgrader bookkeeping (stock per submission minus kernel run): "
        f"{max(0.0, stock_seconds / n - parts['kernel run total']):.2f} s"
    )
    if not same:
        sys.exit("scores differ between stock nbgrader and ocop grade")


if __name__ == "__main__":
    main()
