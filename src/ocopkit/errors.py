"""Input errors that tell a participant which value to fix, and how.

The kit's tools are used by cooperative managers, not programmers, so a wrong
input must never end in a traceback full of NumPy internals. Every check here
raises :class:`InputError`, a :class:`ValueError` that also names the input
(``.field``) so a widget can highlight the right box.

Messages are English msgids translated through :func:`ocopkit.i18n.gettext`
(catalog ``locale/<lang>/LC_MESSAGES/tools.po``).

Examples
--------
>>> from ocopkit.errors import InputError, check_positive
>>> check_positive(25000, "unit_price", "Unit price")
25000.0
>>> try:
...     check_positive("25.000", "unit_price", "Unit price")
... except InputError as error:
...     print(error.field)
unit_price
"""

from __future__ import annotations

import math
from numbers import Real

from ocopkit.i18n import _


class InputError(ValueError):
    """A participant's input is wrong; the message says what to change.

    Parameters
    ----------
    message : str
        The translated message shown to the participant.
    field : str
        The name of the input that is wrong, e.g. ``"unit_price"``, so a
        widget can point at it.

    See Also
    --------
    check_number, check_positive, check_rate : the checks that raise it.
    """

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field

    def __reduce__(self):
        """Keep ``field`` when the error is pickled (e.g. sent from a worker process)."""
        return type(self), (str(self), self.field)


def show_value(value: object) -> str:
    """Write a value the way it is typed in a cell or a box (``25000``, ``0.12``)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        return repr(value)
    number = float(value)
    if math.isfinite(number) and number.is_integer():
        return str(int(number))
    return repr(number)


def check_number(value: object, field: str, label: str) -> float:
    """Return ``value`` as a float, or explain why it is not a number.

    Use this first in every check: a type error ("you typed text") is more
    useful to a participant than a range error.

    Parameters
    ----------
    value : object
        What the participant gave.
    field : str
        Name of the input, stored in :attr:`InputError.field`.
    label : str
        Translated name of the input as the participant sees it.

    Returns
    -------
    float
        The value as a finite float.

    Raises
    ------
    InputError
        For text, ``True``/``False``, ``None``, NaN or infinity.

    See Also
    --------
    check_positive, check_non_negative, check_range, check_rate
    """
    if isinstance(value, str):
        raise InputError(
            _(
                '{label} must be a number, but you typed text: "{value}". '
                "Type the number without units or thousands separators."
            ).format(label=label, value=value),
            field,
        )
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InputError(
            _("{label} must be a number, you gave {value}.").format(label=label, value=show_value(value)),
            field,
        )
    number = float(value)
    if not math.isfinite(number):
        raise InputError(
            _("{label} must be an ordinary number, you gave {value}.").format(label=label, value=show_value(value)),
            field,
        )
    return number


def check_positive(value: object, field: str, label: str) -> float:
    """Return ``value`` as a float if it is a number greater than zero.

    Raises
    ------
    InputError
        If the value is not a number, or is zero or negative.
    """
    number = check_number(value, field, label)
    if number <= 0:
        raise InputError(
            _("{label} must be greater than zero, you gave {value}.").format(label=label, value=show_value(value)),
            field,
        )
    return number


def check_non_negative(value: object, field: str, label: str) -> float:
    """Return ``value`` as a float if it is a number and not negative.

    Raises
    ------
    InputError
        If the value is not a number, or is negative.
    """
    number = check_number(value, field, label)
    if number < 0:
        raise InputError(
            _("{label} cannot be negative, you gave {value}. Enter 0 if there is none.").format(
                label=label, value=show_value(value)
            ),
            field,
        )
    return number


def check_range(value: object, field: str, label: str, low: float, high: float) -> float:
    """Return ``value`` as a float if ``low <= value <= high``.

    Raises
    ------
    InputError
        If the value is not a number or lies outside the range.
    """
    number = check_number(value, field, label)
    if not low <= number <= high:
        raise InputError(
            _("{label} must be between {low} and {high}, you gave {value}.").format(
                label=label, low=show_value(low), high=show_value(high), value=show_value(value)
            ),
            field,
        )
    return number


def check_whole(value: object, field: str, label: str, low: int, high: int) -> int:
    """Return ``value`` as an int if it is a whole number in ``[low, high]``.

    Raises
    ------
    InputError
        If the value is not a number, has a fractional part, or is out of range.
    """
    number = check_range(value, field, label, low, high)
    if not number.is_integer():
        raise InputError(
            _("{label} must be a whole number, you gave {value}.").format(label=label, value=show_value(value)),
            field,
        )
    return int(number)


def check_rate(value: object, field: str, label: str, low: float, high: float) -> float:
    """Return a rate written as a fraction (``0.12`` for 12 %) if in range.

    The most common slip is typing ``12`` for 12 %; when the value divided by
    100 would have been valid, the message suggests it.

    Parameters
    ----------
    value : object
        The rate as a fraction of one.
    field, label : str
        See :func:`check_number`.
    low, high : float
        The sensible range, as fractions.

    Returns
    -------
    float
        The rate.

    Raises
    ------
    InputError
        If the rate is not a number or lies outside ``[low, high]``.
    """
    number = check_number(value, field, label)
    if low <= number <= high:
        return number
    if low <= number / 100 <= high:
        raise InputError(
            _(
                "{label} is written as a fraction: write 12% as 0.12. You gave {value}; did you mean {suggestion}?"
            ).format(label=label, value=show_value(value), suggestion=show_value(number / 100)),
            field,
        )
    raise InputError(
        _("{label} must be between {low} and {high} (as a fraction: 0.12 means 12%), you gave {value}.").format(
            label=label, low=show_value(low), high=show_value(high), value=show_value(value)
        ),
        field,
    )
