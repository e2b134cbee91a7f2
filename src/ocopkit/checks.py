"""Friendly checks for graded exercises: say what to fix, in the participant's language.

Test cells check the type of an answer before its value, so a participant who
typed text where a number belongs reads "sao_buoi should be a whole number,
you gave text: '4 sao'" rather than a bare ``AssertionError``.

In a notebook (IPython), importing this module also makes a failed check
show one message instead of a traceback (:class:`CheckFailed`, and any
``assert`` with a message), prints "✓ Correct" under a check cell that
passed, and loads :mod:`ocopkit.friendly` for hints on beginners' errors.
The kernel still reports the failure as an error, so nbgrader scores it
exactly as before.

Examples
--------
>>> from ocopkit import checks
>>> sao_buoi = 4
>>> checks.of_type("sao_buoi", checks.defined("sao_buoi", globals()), "integer")
4
"""

from __future__ import annotations

import datetime
import math
import numbers
import re
import sys

import pandas as pd

from .i18n import _, format_number


class CheckFailed(AssertionError):
    """A check of the participant's answer failed; its message says what to fix.

    An ``AssertionError``, so nbgrader and any ``except AssertionError`` treat it as before.
    """


# Checks run by the cell that is executing (reset before each cell): a cell that ran one and
# finished without error is told "✓ Correct".
_cell = {"checks": 0}

# What each kind of answer is called in messages, and how to recognise it.
KINDS = {
    "integer": (lambda v: isinstance(v, numbers.Integral) and not isinstance(v, bool), lambda: _("a whole number")),
    "number": (lambda v: isinstance(v, numbers.Real) and not isinstance(v, bool), lambda: _("a number")),
    "text": (lambda v: isinstance(v, str), lambda: _("text in quotes")),
    "bool": (lambda v: isinstance(v, bool), lambda: _("True or False")),
    "list": (lambda v: isinstance(v, list), lambda: _("a list in square brackets [ ]")),
    "dict": (lambda v: isinstance(v, dict), lambda: _("a dictionary in braces { }")),
    "set": (lambda v: isinstance(v, (set, frozenset)), lambda: _('a set, such as set(...) or {"a", "b"}')),
    "series": (lambda v: isinstance(v, pd.Series), lambda: _("a pandas Series")),
    "dataframe": (lambda v: isinstance(v, pd.DataFrame), lambda: _("a pandas DataFrame")),
    "date": (lambda v: isinstance(v, (pd.Timestamp, datetime.date)), lambda: _("a date")),
}


# Longest value quoted in a message; a longer one is cut with "…".
SHOWN_LENGTH = 120


def _plain(value):
    """NumPy scalars as Python's, inside lists, tuples, sets and dicts too (no ``np.int64(3)`` in a message)."""
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy" and getattr(value, "ndim", None) == 0:
        return item()
    return value


def _shown(value) -> str:
    """A value as a participant would write it: numbers with the language's separators."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return format_number(int(value))
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if math.isnan(value):
            return "NaN"
        return format_number(float(value), 6, trim=True)
    text = repr(_plain(value))
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


def describe_value(value) -> str:
    """Name what a participant gave, in words ("text: '4 sao'", "a whole number: 1.500", "nothing (None)")."""
    if value is None:
        return _("nothing (None)")
    if value is Ellipsis:
        return _("the placeholder ...")
    if isinstance(value, (pd.Timestamp, datetime.date)):
        return f"{_('a date')}: {value:%d/%m/%Y}"
    for kind in ("bool", "integer", "number", "text", "list", "dict", "set", "series", "dataframe"):
        test, name = KINDS[kind]
        if test(value):
            return f"{name()}: {_shown(value)}" if kind not in ("series", "dataframe") else name()
    return type(value).__name__


def defined(name: str, namespace: dict):
    """Return the participant's variable, or explain how to create it.

    Parameters
    ----------
    name : str
        The variable the exercise asks for.
    namespace : dict
        ``globals()`` of the notebook.
    """
    _cell["checks"] += 1
    if name not in namespace:
        raise CheckFailed(
            _(
                "There is no {name} yet: write {name} = ... in the answer cell above, then run that cell (Shift+Enter)."
            ).format(name=name)
        )
    return namespace[name]


def of_type(name: str, value, kind: str):
    """Return value when it is of the expected kind, else say what was given.

    Parameters
    ----------
    name : str
        The variable's name, quoted in the message.
    value : object
        The participant's answer.
    kind : str
        One of ``integer``, ``number``, ``text``, ``bool``, ``list``, ``dict``,
        ``set``, ``series``, ``dataframe``, ``date`` (a ``pandas.Timestamp`` or ``datetime.date``).
    """
    _cell["checks"] += 1
    test, label = KINDS[kind]
    if not test(value):
        raise CheckFailed(
            _("{name} should be {expected}, you gave {given}.").format(
                name=name, expected=label(), given=describe_value(value)
            )
        )
    return value


def show(name: str, namespace: dict, right_answer_looks_like: str) -> None:
    """Print what a right answer looks like, and what the participant has (self-check cells).

    It never says whether the answer is right: the test cells do.

    Parameters
    ----------
    name : str
        The variable the exercise asks for.
    namespace : dict
        ``globals()`` of the notebook.
    right_answer_looks_like : str
        What kind of value is wanted, without the answer ("một số nguyên từ 1 đến 6").
    """
    if name in namespace:
        print(
            _("{name}: should be {hint}. You wrote {value}.").format(
                name=name, hint=right_answer_looks_like, value=describe_value(namespace[name])
            )
        )
    else:
        print(
            _(
                "{name}: should be {hint}. There is no {name} yet: write {name} = ... in the answer cell "
                "above, then run that cell (Shift+Enter)."
            ).format(name=name, hint=right_answer_looks_like)
        )


# ----------------------------------------------------------------- in a notebook
RED, DIM, RESET = "\x1b[1;31m", "\x1b[2m", "\x1b[0m"
ASSERT_LINE = re.compile(r"^\s*assert\b", re.MULTILINE)


def failure_lines(error: BaseException) -> list[str]:
    """The short traceback of a failed check: a heading, then its message (what is wrong, what to do)."""
    heading = f"{RED}✗ {_('Not right yet')}{RESET} {DIM}(AssertionError){RESET}"
    return [heading, str(error)]


def _show_failure(shell, etype, value, tb, tb_offset=None):
    """IPython's handler of a failed check: one message, no frames of the kit's code.

    The kernel still sends an ``error`` output and an error reply, which is what
    nbgrader scores. An ``assert`` without a message keeps IPython's traceback:
    it has nothing else to say.
    """
    if not str(value).strip():
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return None
    stb = failure_lines(value)
    # The error's own name: nbgrader's Execute matches it with the reply's, and adds a second output if they differ.
    shell._showtraceback(etype, value, stb)
    return stb


def _before_cell(info=None) -> None:
    _cell["checks"] = 0
    _cell["source"] = getattr(info, "raw_cell", "") or ""


def _after_cell(result=None) -> None:
    """Say "✓ Correct" under a cell that checked something and raised nothing."""
    checked = _cell["checks"] or ASSERT_LINE.search(_cell.get("source", ""))
    if result is not None and getattr(result, "success", False) and checked:
        print(f"✓ {_('Correct')}")


def install(shell) -> None:
    """Make a notebook's failed checks short messages and its passed checks say so (once per kernel)."""
    if getattr(shell, "_ocop_checks_installed", False):
        return
    shell._ocop_checks_installed = True
    shell.set_custom_exc((AssertionError,), _show_failure)
    shell.events.register("pre_run_cell", _before_cell)
    shell.events.register("post_run_cell", _after_cell)
    try:  # hints for beginners' errors; a check works without them
        shell.extension_manager.load_extension("ocopkit.friendly")
    except Exception:  # never let a hint break the exercise's setup cell
        pass


def _running_shell():
    """The IPython shell this module was imported in, or None (plain Python, pytest)."""
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None)
    return get() if get else None


if _running_shell() is not None:
    install(_running_shell())
