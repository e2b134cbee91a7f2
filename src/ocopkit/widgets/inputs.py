"""Number boxes that read numbers the way participants type them, and the base of the form tools.

Participants type ``1.250.000`` or ``12,5`` (Vietnamese style), sometimes with
``đ`` or ``%`` after the number. :func:`parse_number` reads all of these and
turns anything else into an :class:`~ocopkit.errors.InputError` whose message
says what to type. :class:`FormTool` is the :class:`~ocopkit.widgets.base.Tool`
of the tools made of such boxes (business plan, pricing, story, ...): live
results, a message instead of a traceback, the last valid result kept, and
save/load of the inputs.

Examples
--------
>>> from ocopkit.i18n import set_language
>>> _lang = set_language("vi")
>>> parse_number("1.250.000 đ", "price", "Giá"), parse_number("12,5", "rate", "Lãi suất")
(1250000.0, 12.5)
"""

from __future__ import annotations

import re
import unicodedata

import ipywidgets as w

from ..errors import InputError, check_number
from ..i18n import _, format_number
from .base import FileBar, Tool  # noqa: F401  (part of this module's interface)
from .common import LiveChart, caption_html  # noqa: F401  (part of this module's interface)

# Units participants add after a number; removed before reading it.
_SUFFIXES = ("đồng", "vnđ", "vnd", "₫", "đ", "%")
_DIGITS = re.compile(r"[0-9.,]*[0-9][0-9.,]*")
# Wide enough for the longest Vietnamese label with its unit ("… (đồng/hộp)"): a cut label hides
# the unit a participant must type in.
LABEL_STYLE = {"description_width": "400px"}
BOX_LAYOUT = {"width": "640px"}


# --------------------------------------------------------------------------- parsing


def _not_a_number(text: str, field: str, label: str) -> InputError:
    """The error for text that is not a number, with an example in local style."""
    return InputError(
        _(
            '{label} must be a number, you typed "{value}". Type digits only, for example {example} or {decimal}.'
        ).format(label=label, value=text, example=format_number(1250000), decimal=format_number(12.5, 1)),
        field,
    )


def _strip_units(text: str) -> str:
    """Remove spaces (used as thousands separators too) and a trailing unit like ``đ``."""
    # NFC first: a Mac types "đồng" with combining accents that would not match.
    text = unicodedata.normalize("NFC", text).strip().lower().replace("\u2212", "-")
    for suffix in _SUFFIXES:
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    return re.sub(r"\s", "", text)


def _separators(body: str) -> tuple[str | None, str | None]:
    """Guess the (thousands, decimal) separators of digits such as ``1.250.000,5``."""
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        return (",", ".") if body.rfind(".") > body.rfind(",") else (".", ",")
    if dots > 1 or commas > 1:
        return ("." if dots else ","), None
    if not (dots or commas):
        return None, None
    mark = "." if dots else ","
    whole, fraction = body.split(mark)
    # "1.250" could be 1250 or 1.25. Amounts in đồng are typed with thousands separators all
    # the time, three decimals almost never; and one rule for both languages keeps a file saved
    # in Vietnamese readable in English.
    if len(fraction) == 3 and whole not in ("", "0"):
        return mark, None
    return None, mark


def _is_grouped(whole: str, mark: str) -> bool:
    """True when ``whole`` is grouped by threes, like ``1.250.000``."""
    groups = whole.split(mark)
    return 1 <= len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:])


def parse_number(text: object, field: str, label: str) -> float:
    """Read a number typed in a box, in Vietnamese or English style.

    Use it for every number box: it accepts what participants type
    (``1.250.000``, ``1250000``, ``1 250 000``, ``12,5``, ``25.000đ``,
    ``30%``) and explains anything else.

    Parameters
    ----------
    text : str or number
        What was typed; numbers are passed through :func:`~ocopkit.errors.check_number`.
    field : str
        Name of the input, stored in the error's ``.field``.
    label : str
        Translated name of the input, used in the message.

    Returns
    -------
    float
        The number.

    Raises
    ------
    InputError
        For empty text, letters, or separators that do not group by threes.

    Notes
    -----
    With both ``.`` and ``,`` the last one is the decimal mark. With only
    one mark, several of them group thousands (``1.250.000``); a single one
    is a decimal mark (``12,5``, ``0.12``, ``0,125``) unless exactly three
    digits follow it: ``1.250`` and ``1,250`` are both 1250, in either
    language, because amounts are typed with thousands separators far more
    often than with three decimals.

    See Also
    --------
    parse_percent : for boxes in per cent.
    """
    if not isinstance(text, str):
        return check_number(text, field, label)
    cleaned = _strip_units(text)
    if not cleaned:
        raise InputError(_("{label} is empty: type a number.").format(label=label), field)
    sign, body = (-1.0, cleaned[1:]) if cleaned[0] == "-" else (1.0, cleaned.lstrip("+"))
    if not _DIGITS.fullmatch(body):
        raise _not_a_number(text.strip(), field, label)
    thousands, decimal = _separators(body)
    whole, _mark, fraction = body.rpartition(decimal) if decimal else (body, "", "")
    if (
        (decimal and decimal in whole)
        or not (fraction.isdigit() or not fraction)
        or (thousands and not _is_grouped(whole, thousands))
    ):
        raise _not_a_number(text.strip(), field, label)
    digits = whole.replace(thousands, "") if thousands else whole
    return sign * float(f"{digits or 0}.{fraction or 0}")


def parse_percent(
    text: object, field: str, label: str, low: float, high: float, *, below_high: bool = False, hint: str = ""
) -> float:
    """Read a box in per cent and return the rate as a fraction (``"12,5"`` → 0.125).

    Boxes show rates in per cent, as participants say them; the logic takes
    fractions. Checking the range here keeps the message in per cent too.

    Parameters
    ----------
    text : str or number
        What was typed, in per cent.
    field, label : str
        See :func:`parse_number`.
    low, high : float
        Allowed range in per cent.
    below_high : bool
        Refuse ``high`` itself (a margin must stay below 100 %).
    hint : str
        An extra sentence for the out-of-range message.

    Returns
    -------
    float
        The rate as a fraction of one.

    Raises
    ------
    InputError
        For text that is not a number, or a rate outside the range.
    """
    number = parse_number(text, field, label)
    shown = {"label": label, "low": plain_number(low), "high": plain_number(high), "value": plain_number(number)}
    if below_high and not low <= number < high:
        message = _("{label} must be at least {low}% and below {high}%, you typed {value}%.")
    elif not low <= number <= high:
        message = _("{label} must be between {low}% and {high}%, you typed {value}%.")
    else:
        return number / 100
    raise InputError(" ".join(filter(None, [message.format(**shown), hint])), field)


def plain_number(value: float, decimals: int = 2) -> str:
    """Write a number in the current language's style without useless zeros (``12,5``, ``1.250.000``)."""
    # One trimming rule for the whole kit (format_number): stripping zeros here also ate those of 100.
    return format_number(value, decimals, trim=True)


# --------------------------------------------------------------------------- boxes


def number_box(label: str, unit: str, value: str) -> w.Text:
    """A text box for a number, labelled with its unit, e.g. "Giá bán (đồng/kg)".

    A ``Text`` rather than a ``FloatText`` so that whatever is typed reaches
    :func:`parse_number` and gets a friendly message. It updates when the
    participant presses Enter or leaves the box, not on every key, so a
    half-typed ``1.2`` never flashes a result.
    """
    description = f"{label} ({unit})" if unit else label
    return w.Text(
        value=value,
        description=description,
        tooltip=description,
        continuous_update=False,
        style=LABEL_STYLE,
        layout=w.Layout(**BOX_LAYOUT),
    )


def text_box(label: str, value: str = "", *, lines: int = 1, placeholder: str = "") -> w.Widget:
    """A labelled box for words; ``lines > 1`` gives a larger area for a paragraph."""
    options = dict(
        value=value,
        description=label,
        tooltip=label,
        placeholder=placeholder,
        continuous_update=False,
        style=LABEL_STYLE,
        layout=w.Layout(width="820px"),
    )
    return w.Textarea(rows=lines, **options) if lines > 1 else w.Text(**options)


def choice_box(label: str, options: list[tuple[str, object]], value: object) -> w.Dropdown:
    """A labelled drop-down of ``(shown text, value)`` options."""
    return w.Dropdown(
        options=options, value=value, description=label, tooltip=label, style=LABEL_STYLE, layout=w.Layout(**BOX_LAYOUT)
    )


# --------------------------------------------------------------------------- form tools


class FormTool(Tool):
    """Base of the form tools: text boxes in, a message, a summary, a chart and files out.

    A subclass builds its boxes, then calls ``FormTool.__init__`` and
    implements :meth:`compute` (boxes → result through the logic, raising
    :class:`~ocopkit.errors.InputError` on bad input), :meth:`summary_html`,
    :meth:`to_csv` and :meth:`to_markdown`, and sets ``chart_class`` to a
    :class:`LiveChart`. Everything else (refresh, messages, outlines, the
    chart painter, save and load) comes from :class:`~ocopkit.widgets.base.Tool`.

    Parameters
    ----------
    fields : dict
        The input boxes keyed by the logic's field names, so that an error's
        ``.field`` points at the box to fix.
    form : ipywidgets.Widget
        The boxes laid out for display.
    file_stem : str
        Default name of the files the tool saves and exports.

    Attributes
    ----------
    result : object or None
        The latest valid result; kept when an input is wrong.
    fields : dict
        The input boxes.
    message, summary, caption : ipywidgets.HTML
        What to fix, the key figures, and the chart's title and key.
    chart : ipywidgets.Image
        The chart as PNG.
    files : FileBar
        The file name and the save, open and export buttons.
    """

    def __init__(self, fields: dict[str, w.Widget], form: w.Widget, file_stem: str):
        super().__init__(form, fields=fields, file_stem=file_stem)
        self.refresh()

    # -- reading boxes ----------------------------------------------------------------
    def number(self, name: str, label: str) -> float:
        """Read a number box."""
        return parse_number(self.fields[name].value, name, label)

    def percent(self, name: str, label: str, low: float, high: float, **options) -> float:
        """Read a per-cent box as a fraction."""
        return parse_percent(self.fields[name].value, name, label, low, high, **options)

    def text(self, name: str) -> str:
        """Read a text box, without surrounding spaces."""
        return self.fields[name].value.strip()
