"""Friendly checks for graded exercises: say what to fix, in the participant's language.

Test cells check the type of an answer before its value, so a participant who
typed text where a number belongs reads "sao_buoi should be a whole number,
you gave text: '4 sao'" rather than a bare ``AssertionError``.

Examples
--------
>>> from ocopkit import checks
>>> sao_buoi = 4
>>> checks.of_type("sao_buoi", checks.defined("sao_buoi", globals()), "integer")
4
"""

from __future__ import annotations

import datetime
import numbers

import pandas as pd

from .i18n import _

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


def describe_value(value) -> str:
    """Name what a participant gave, in words ("text: '4 sao'", "nothing (None)")."""
    if value is None:
        return _("nothing (None)")
    if value is Ellipsis:
        return _("the placeholder ...")
    if isinstance(value, (pd.Timestamp, datetime.date)):
        return f"{_('a date')}: {value:%d/%m/%Y}"
    for kind in ("bool", "integer", "number", "text", "list", "dict", "set", "series", "dataframe"):
        test, name = KINDS[kind]
        if test(value):
            return f"{name()}: {value!r}" if kind not in ("series", "dataframe") else name()
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
    if name not in namespace:
        raise AssertionError(
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
    test, label = KINDS[kind]
    if not test(value):
        raise AssertionError(
            _("{name} should be {expected}, you gave {given}.").format(
                name=name, expected=label(), given=describe_value(value)
            )
        )
    return value


def show(name: str, namespace: dict, right_answer_looks_like: str) -> None:
    """Print what the participant has and what a right answer looks like (self-check cells)."""
    if name in namespace:
        print(_("{name} is now {value}.").format(name=name, value=describe_value(namespace[name])))
    else:
        print(_("{name} is not defined yet.").format(name=name))
    print(_("A right answer: {hint}").format(hint=right_answer_looks_like))
