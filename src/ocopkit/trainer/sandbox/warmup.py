"""What a kernel zygote does before its first fork: import the kernel and the exercises' modules, warm them.

Everything here runs in the zygote (:mod:`ocopkit.trainer.sandbox.zygote`)
before it forks any kernel, and never runs a line of anybody's notebook: each
forked kernel starts from the same untouched state, only sooner.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import gc
import importlib
import inspect
import io
import os
import re
import sys
import threading

# What every grading kernel imports: the kernel itself (measured: sys.modules before and after a kernel's
# initialize()) and the grader's own code in the kernels (the audit, the answers' crossing).
KERNEL = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "IPython.core.interactiveshell",
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.core.oinspect",
    "IPython.core.ultratb",
    "IPython.extensions.storemagic",
    "tornado.platform.asyncio",
    "sqlite3",
    "ocopkit.trainer.run_audit",
    "ocopkit.trainer.answer_transfer",
)
# What the kit's assignments import, for a zygote that is not told what its assignment imports
# (tests/trainer/sandbox/test_zygote_preload.py keeps it whole). A cohort's zygotes import what the
# assignment's cells import instead (ocopkit.trainer.grading.assignment_imports): 5-150 ms each, in both kernels.
EXERCISES = (
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.axes",
    "ocopkit.checks",
    "ocopkit.datasets",
    "ocopkit.brands",
    "ocopkit.business_case",
    "ocopkit.cbt",
    "ocopkit.criteria_schemes",
    "ocopkit.digital",
    "ocopkit.dossier",
    "ocopkit.finance",
    "ocopkit.ideas",
    "ocopkit.postharvest",
    "ocopkit.pricing",
    "ocopkit.programme",
    "ocopkit.story",
    "ocopkit.story_review",
    "ocopkit.tourism_coop",
    "IPython.display",
    "unicodedata",
)
PRELOAD = KERNEL + EXERCISES
# Never imported before a kernel exists: pyplot imported with no IPython shell yet would never hook its
# inline backend into the shell, and figures would vanish from the graded notebooks.
NEVER = ("matplotlib.pyplot", "pylab")
# Imported with matplotlib: its font list is the slow part of a kernel's first chart.
WITH_MATPLOTLIB = "matplotlib.font_manager"
MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,7}")
MAX_MODULES = 64
# A small table of the kit's own, for pandas' first read, formatting and grouping.
WARM_DATASET = "topic08_self_assessment_pomelo"


def preload(modules: list[str] | None = None) -> None:
    """Import what kernels need and warm it, then make sure no thread was started: a fork copies one thread.

    Parameters
    ----------
    modules : list of str, optional
        What the assignment's cells import (:func:`ocopkit.trainer.grading.assignment_imports`);
        by default what all the kit's assignments import.
    """
    # Grading never debugs: `import debugpy` raises ImportError, so ipykernel runs without it (as the
    # participants' kernels do, deploy/participant/kernels): 50-80 ms of each zygote's start, 7 MiB.
    sys.modules["debugpy"] = None
    wanted = list(EXERCISES) if modules is None else acceptable(modules)
    if any(name.split(".")[0] == "matplotlib" for name in wanted):
        wanted.append(WITH_MATPLOTLIB)
    for name in [*KERNEL, *wanted]:
        try:
            importlib.import_module(name)
        except Exception:  # a course without pandas, or a name that is no module: its kernels import less
            pass
    warm(wanted)
    # Every object so far goes to the permanent generation: no kernel's garbage collection walks them (which
    # would take tens of milliseconds and copy every page of the zygote's memory into that kernel).
    gc.collect()
    gc.freeze()
    if threading.active_count() != 1 or len(os.listdir("/proc/self/task")) != 1:
        raise RuntimeError("the zygote started a thread while importing; forking it would not be safe")


def acceptable(modules: list[str]) -> list[str]:
    """The names of ``modules`` that are plain absolute module names, never pyplot, at most ``MAX_MODULES``."""
    names = [m for m in modules if isinstance(m, str) and MODULE_NAME.fullmatch(m) and m not in NEVER]
    return list(dict.fromkeys(names))[:MAX_MODULES]


def imported_names(source: str) -> list[str]:
    """Modules a cell imports at any depth (``import a.b`` gives ``a.b``; magics make a cell unreadable)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names if alias.name != "*"]
    return names


def warm(wanted: list[str]) -> None:
    """Do once the work every kernel would do on first use: the kit's cached tables, translations, pandas.

    Measured in a fresh kernel: a first self-check 14 ms (the message
    catalog), the dataset catalog 7 ms, OCOP's scoring sheets 25 ms, a
    first DataFrame's read and display a few ms more, a first traceback
    80 ms; every kernel paid them, most twice per notebook. Only what the
    assignment imports is warmed. What is cached here are the kit's own
    files, read before any notebook ran; a kernel that changes a cached table
    changes its own copy (a fork's memory is its own).
    """
    loaded = [sys.modules[name] for name in wanted if name.startswith("ocopkit.") and name in sys.modules]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(Exception):
        for module in loaded:
            fill_caches(module)
        if "ocopkit.checks" in sys.modules:
            sys.modules["ocopkit.checks"].show("x", {"x": 1234.5}, "1")  # the message catalog, number formats
        if "ocopkit.datasets" in sys.modules and "pandas" in sys.modules:
            table = sys.modules["ocopkit.datasets"].load(WARM_DATASET)
            table.head()._repr_html_()
            repr(table.describe())
            table.groupby(table.columns[0]).size().sum()
    with contextlib.suppress(Exception):
        format_a_traceback()
    if "ocopkit.criteria_schemes" in sys.modules:
        with contextlib.suppress(Exception):
            read_scoring_sheets()


def format_a_traceback() -> None:
    """Format one failed assertion as IPython does: a first traceback costs 80 ms (pygments, stack_data).

    Most graded notebooks fail a test or two, and every failed test shows a
    traceback, so every tests kernel paid this.
    """
    from IPython.core import ultratb

    formatter = ultratb.AutoFormattedTB(mode="Context", tb_offset=0)
    try:
        assert 1 == 2, "x"  # fails on purpose
    except AssertionError:
        formatter.structured_traceback(*sys.exc_info())


def fill_caches(module) -> None:
    """Call the module's own cached functions that take no argument (tables read from the kit's files)."""
    for value in list(vars(module).values()):
        cached = isinstance(value, functools._lru_cache_wrapper) and getattr(value, "__module__", "") == module.__name__
        if cached and not inspect.signature(value).parameters:
            with contextlib.suppress(Exception):
                value()


def read_scoring_sheets() -> None:
    """Build the scoring sheets of the rules in force and of the course's rules (18 ms each on first use)."""
    from ocopkit import criteria_schemes

    for code in {criteria_schemes.scheme_in_force(), criteria_schemes.course_scheme()}:
        for number in criteria_schemes.sets_with_sheets(code):
            criteria_schemes.sheet(code, number)
