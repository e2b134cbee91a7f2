"""Dates as participants write them: reading ``14/03/2025`` or ``2025-03-14``, adding months, writing them back.

Shared by the topics that plan in time (brand protection, Topic 5; the
dossier and its deadlines, Topic 9). A date outside 2000–2100 is taken for a
typing slip and refused with a message saying so.
"""

from __future__ import annotations

import datetime as _dt

import pandas as pd

from .errors import InputError
from .i18n import _, get_language

# Years a plan can sensibly name; anything else is a typing slip.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def to_date(value, field: str = "filing_date", label: str | None = None) -> pd.Timestamp:
    """Return a date as a :class:`pandas.Timestamp` at midnight, or say how to write it.

    Parameters
    ----------
    value : str, datetime.date or pandas.Timestamp
        ``"2025-03-14"``, ``"14/03/2025"`` (day first, as written in Vietnam),
        ``datetime.date(2025, 3, 14)`` or ``pd.Timestamp("2025-03-14")``.
    field : str
        Name of the input, stored in :attr:`InputError.field`.
    label : str, optional
        The input's name as the participant sees it; "The date" when omitted.

    Raises
    ------
    InputError
        For an empty value, text that is not a date, or a year outside 2000–2100.
    """
    label = label or _("The value")
    if isinstance(value, str):
        value = _parse_text(value.strip(), field, label)
    if value is None or value is pd.NaT or not isinstance(value, _dt.date):
        raise _not_a_date(value, field, label)
    date = pd.Timestamp(value).normalize()
    if not EARLIEST_YEAR <= date.year <= LATEST_YEAR:
        raise InputError(
            _("{label} is in the year {year}: check for a typing slip (years from {low} to {high}).").format(
                label=label, year=date.year, low=EARLIEST_YEAR, high=LATEST_YEAR
            ),
            field,
        )
    return date


def _parse_text(text: str, field: str, label: str) -> pd.Timestamp:
    """Read "2025-03-14" or "14/03/2025"; anything else is an InputError."""
    pattern = "%d/%m/%Y" if "/" in text else "%Y-%m-%d"
    try:
        return pd.to_datetime(text, format=pattern)
    except (ValueError, TypeError):
        raise _not_a_date(text, field, label) from None


def _not_a_date(value, field: str, label: str) -> InputError:
    """The error for a value that is not a date, with the two ways to write one."""
    return InputError(
        _('{label} must be a date written like "2025-03-14" or "14/03/2025", you gave {value!r}.').format(
            label=label, value=value
        ),
        field,
    )


def add_months(date: pd.Timestamp, months: int) -> pd.Timestamp:
    """Add whole months; a day the target month lacks becomes its last day."""
    return date + pd.DateOffset(months=months)


def format_date(date: pd.Timestamp | None) -> str:
    """Write a date for participants: ``14/03/2025`` in Vietnamese, ``2025-03-14`` in English."""
    if date is None:
        return "—"
    return date.strftime("%d/%m/%Y") if get_language() == "vi" else date.strftime("%Y-%m-%d")
