"""Number boxes that read numbers the way participants type them, and the base of the form tools.

Participants type ``1.250.000`` or ``12,5`` (Vietnamese style), sometimes with
``đ`` or ``%`` after the number. :func:`parse_number` reads all of these and
turns anything else into an :class:`~ocopkit.errors.InputError` whose message
says what to type. :class:`FormTool` gives the business-plan, pricing and
story tools the same behaviour: live results, a message instead of a
traceback, the last valid result kept, and save/load of the inputs.

Examples
--------
>>> from ocopkit.i18n import set_language
>>> _lang = set_language("vi")
>>> parse_number("1.250.000 đ", "price", "Giá"), parse_number("12,5", "rate", "Lãi suất")
(1250000.0, 12.5)
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import ipywidgets as w
from matplotlib.figure import Figure

from ..errors import InputError, check_number
from ..i18n import _, format_number, get_language
from .common import figure_png, message_html

# Units participants add after a number; removed before reading it.
_SUFFIXES = ("đồng", "vnđ", "vnd", "₫", "đ", "%")
_DIGITS = re.compile(r"[0-9.,]*[0-9][0-9.,]*")
_BORDER_ERROR = "2px solid #b00020"
LABEL_STYLE = {"description_width": "300px"}
BOX_LAYOUT = {"width": "540px"}


# --------------------------------------------------------------------------- parsing


def _not_a_number(text: str, field: str, label: str) -> InputError:
    """The error for text that is not a number, with an example in local style."""
    return InputError(
        _('{label} must be a number, you typed "{value}". Type digits only, for example '
          "{example} or {decimal}.").format(label=label, value=text,
                                            example=format_number(1250000),
                                            decimal=format_number(12.5, 1)),
        field)


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
    if ((decimal and decimal in whole) or not (fraction.isdigit() or not fraction)
            or (thousands and not _is_grouped(whole, thousands))):
        raise _not_a_number(text.strip(), field, label)
    digits = whole.replace(thousands, "") if thousands else whole
    return sign * float(f"{digits or 0}.{fraction or 0}")


def parse_percent(text: object, field: str, label: str, low: float, high: float, *,
                  below_high: bool = False, hint: str = "") -> float:
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
    shown = {"label": label, "low": plain_number(low), "high": plain_number(high),
             "value": plain_number(number)}
    if below_high and not low <= number < high:
        message = _("{label} must be at least {low}% and below {high}%, you typed {value}%.")
    elif not low <= number <= high:
        message = _("{label} must be between {low}% and {high}%, you typed {value}%.")
    else:
        return number / 100
    raise InputError(" ".join(filter(None, [message.format(**shown), hint])), field)


def plain_number(value: float, decimals: int = 2) -> str:
    """Write a number in the current language's style without useless zeros (``12,5``, ``1.250.000``)."""
    if float(value).is_integer():
        return format_number(value, 0)
    text = format_number(value, decimals)
    return text.rstrip("0").rstrip(",.")


# --------------------------------------------------------------------------- boxes


def number_box(label: str, unit: str, value: str) -> w.Text:
    """A text box for a number, labelled with its unit, e.g. "Giá bán (đồng/kg)".

    A ``Text`` rather than a ``FloatText`` so that whatever is typed reaches
    :func:`parse_number` and gets a friendly message. It updates when the
    participant presses Enter or leaves the box, not on every key, so a
    half-typed ``1.2`` never flashes a result.
    """
    description = f"{label} ({unit})" if unit else label
    return w.Text(value=value, description=description, tooltip=description,
                  continuous_update=False, style=LABEL_STYLE, layout=w.Layout(**BOX_LAYOUT))


def text_box(label: str, value: str = "", *, lines: int = 1, placeholder: str = "") -> w.Widget:
    """A labelled box for words; ``lines > 1`` gives a larger area for a paragraph."""
    options = dict(value=value, description=label, tooltip=label, placeholder=placeholder,
                   continuous_update=False, style=LABEL_STYLE, layout=w.Layout(width="720px"))
    return w.Textarea(rows=lines, **options) if lines > 1 else w.Text(**options)


def choice_box(label: str, options: list[tuple[str, object]], value: object) -> w.Dropdown:
    """A labelled drop-down of ``(shown text, value)`` options."""
    return w.Dropdown(options=options, value=value, description=label, tooltip=label,
                      style=LABEL_STYLE, layout=w.Layout(**BOX_LAYOUT))


def _assign(box: w.Widget, value: object) -> bool:
    """Put a saved value into a box if it fits the box's kind; return whether it did."""
    if isinstance(box, (w.Text, w.Textarea)):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            return False
    elif isinstance(box, w.Checkbox):
        if not isinstance(value, bool):
            return False
    elif isinstance(box, w.Dropdown):
        if value not in [option[1] for option in box.options]:
            return False
    box.value = value
    return True


# --------------------------------------------------------------------------- charts


class LiveChart:
    """A chart drawn once and then updated in place for each new result.

    Building a figure, its axes and ticks anew costs about a fifth of a
    redraw; updating the data of existing artists keeps a live tool within
    its 100 ms budget. A subclass sets ``size``, creates its artists in
    :meth:`build` and changes their data in :meth:`update`; :meth:`fits`
    says when the chart must be built again (another language, or a result
    of another shape).

    Parameters
    ----------
    result : object
        The first result, to lay the chart out.
    """

    size = (6.4, 3.0)  # inches; small images also encode faster

    def __init__(self, result):
        self.language = get_language()
        self.figure = Figure(figsize=self.size)
        self.axes = self.figure.subplots()
        self.shape = self.shape_of(result)
        self.build(result)

    def shape_of(self, result) -> object:
        """What must stay the same for an update in place (nothing by default)."""
        return None

    def fits(self, result) -> bool:
        """True when ``result`` can be drawn by updating this chart."""
        return self.language == get_language() and self.shape == self.shape_of(result)

    def build(self, result) -> None:
        """Create the artists."""
        raise NotImplementedError

    def update(self, result) -> Figure:
        """Put ``result`` into the artists and return the figure."""
        raise NotImplementedError

    def caption_html(self, result) -> str:
        """Title and key of the chart as HTML, shown above it (none by default)."""
        return ""


def caption_html(title: str, keys: list[tuple[str, str, str]] = ()) -> str:
    """A chart's title and colour key as HTML.

    Text in the browser costs nothing to draw, while every word matplotlib
    lays out and renders costs milliseconds on each update; titles and keys
    therefore sit above the image.

    Parameters
    ----------
    title : str
        The chart's title.
    keys : list of (symbol, colour, label)
        ``symbol`` is ``"line"``, ``"dashed"``, ``"dotted"`` or ``"bar"``.
    """
    marks = {"line": "━━", "dashed": "╺╸╺╸", "dotted": "┈┈", "bar": "██"}
    items = " &nbsp; ".join(f'<span style="color:{colour}">{marks[symbol]}</span> {label}'
                            for symbol, colour, label in keys)
    return f"<b>{title}</b>" + (f"<br><small>{items}</small>" if items else "")


# --------------------------------------------------------------------------- form tools


class FormTool(w.VBox):
    """Base of the form tools: boxes in, a message, a summary, a chart and files out.

    A subclass builds its boxes, then calls ``FormTool.__init__`` and
    implements :meth:`compute` (boxes → result through the logic, raising
    :class:`~ocopkit.errors.InputError` on bad input), :meth:`summary_html`,
    :meth:`to_csv` and :meth:`to_markdown`, and sets ``chart_class`` to a
    :class:`LiveChart`.

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

    tool_name = "tool"
    chart_class: type[LiveChart] = LiveChart

    def __init__(self, fields: dict[str, w.Widget], form: w.Widget, file_stem: str):
        self.fields = fields
        self.message, self.summary = w.HTML(), w.HTML()
        self.chart = w.Image(format="png", layout=w.Layout(max_width="720px"))
        self.caption = w.HTML()
        self.result = None
        self._holding = False
        self._painter: LiveChart | None = None
        self.files = FileBar(self, file_stem)
        super().__init__([form, self.message, self.summary, self.caption, self.chart, self.files])
        for box in fields.values():
            box.observe(self._on_change, names="value")
        self.refresh()

    # -- to implement ---------------------------------------------------------------
    def compute(self):
        """Read the boxes and return the result of the logic."""
        raise NotImplementedError

    def summary_html(self, result) -> str:
        """Return the key figures of a result as HTML."""
        raise NotImplementedError

    def chart_figure(self, result) -> Figure:
        """Return the chart of a result, updating the current chart when it fits."""
        if self._painter is None or not self._painter.fits(result):
            self._painter = self.chart_class(result)
        return self._painter.update(result)

    def to_csv(self, path: str | Path | None = None) -> str:
        """Return (and optionally write) the result as CSV."""
        raise NotImplementedError

    def to_markdown(self, path: str | Path | None = None) -> str:
        """Return (and optionally write) the result as Markdown."""
        raise NotImplementedError

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

    # -- refresh ---------------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute and redraw; on bad input show a message and keep the last result."""
        if self._holding:
            return
        try:
            result = self.compute()
        except InputError as error:
            self._show_problem(str(error), error.field)
            return
        except (ValueError, ArithmeticError) as error:
            # A case the checks did not foresee must still not end in a traceback.
            self._show_problem(_("Could not work this out with these inputs: {error}").format(
                error=error), None)
            return
        self.result = result
        self._show_problem("", None)
        self.summary.value = self.summary_html(result)
        self.chart.value = figure_png(self.chart_figure(result))
        self.caption.value = self._painter.caption_html(result)

    def _show_problem(self, text: str, field: str | None) -> None:
        """Show a message and outline the box it is about (none when ``text`` is empty)."""
        self.message.value = message_html(text)
        for name, box in self.fields.items():
            box.layout.border = _BORDER_ERROR if name == field else None

    def _on_change(self, _change) -> None:
        self.refresh()

    # -- inputs, save and load -------------------------------------------------------------
    def inputs(self) -> dict[str, object]:
        """Return what is in every box, keyed by field name (the content of a saved file)."""
        return {name: box.value for name, box in self.fields.items()}

    def set_inputs(self, values: dict) -> None:
        """Fill boxes from Python or a saved file, then recompute once.

        Unknown names and values that do not fit a box are reported in the
        message; the other boxes are still filled.
        """
        unknown = sorted(str(name) for name in set(values) - set(self.fields))
        refused = []
        self._holding = True  # one recomputation at the end, not one per box
        try:
            for name, value in values.items():
                if name in self.fields and not _assign(self.fields[name], value):
                    refused.append(_("{name}: {value!r} does not fit this box.").format(
                        name=name, value=value))
        finally:
            self._holding = False
        self.refresh()
        problems = refused + ([_("Unknown input(s): {names}.").format(names=", ".join(unknown))]
                              if unknown else [])
        if problems:
            self.message.value = message_html(" ".join(problems))

    def save(self, path: str | Path) -> Path:
        """Save the inputs to a JSON file, to continue later with :meth:`load`.

        Returns
        -------
        pathlib.Path
            The file written (UTF-8, Vietnamese letters kept readable).
        """
        path = Path(path)
        data = {"tool": self.tool_name, "version": 1, "inputs": self.inputs()}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        return path

    def load(self, path: str | Path) -> None:
        """Load inputs saved with :meth:`save`; a missing or damaged file is reported in the message."""
        try:
            values = _read_saved(Path(path), self.tool_name)
        except ValueError as error:
            self.message.value = message_html(
                _("Could not read the saved file {path}: {error}").format(path=path, error=error))
            return
        self.set_inputs(values)


def _read_saved(path: Path, tool_name: str) -> dict:
    """Return the inputs stored in a saved file, or raise ValueError saying what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(_("there is no such file")) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError(_("the file is damaged or is not a saved file of the course tools")) from None
    if not isinstance(data, dict) or not isinstance(data.get("inputs"), dict):
        raise ValueError(_("the file is damaged or is not a saved file of the course tools"))
    if data.get("tool") != tool_name:
        raise ValueError(_("it was saved by another tool ({tool})").format(tool=data.get("tool")))
    return data["inputs"]


# --------------------------------------------------------------------------- file buttons


class FileBar(w.HBox):
    """A file name and buttons to save, reopen and export a tool's work.

    Participants are not expected to call methods: these buttons call the
    tool's ``save``, ``load``, ``to_csv`` and ``to_markdown`` with the name
    typed here, in the notebook's folder, and report in the tool's message.

    Parameters
    ----------
    tool : widget
        Any tool with ``save``, ``load``, ``to_csv``, ``to_markdown`` and ``message``.
    stem : str
        File name without extension.
    """

    def __init__(self, tool, stem: str):
        self.tool = tool
        self.name = w.Text(value=stem, description=_("File name"), tooltip=_("File name"),
                           layout=w.Layout(width="300px"))
        actions = [(_("Save inputs"), "save", "save"), (_("Open saved inputs"), "folder-open", "load"),
                   (_("Export CSV"), "table", "csv"), (_("Export Markdown"), "file-text", "md")]
        self.buttons = {}
        for text, icon, action in actions:
            button = w.Button(description=text, icon=icon, tooltip=text, layout=w.Layout(width="auto"))
            button.on_click(lambda _button, action=action: self.run(action))
            self.buttons[action] = button
        super().__init__([self.name, *self.buttons.values()], layout=w.Layout(flex_flow="row wrap"))

    def path(self, suffix: str) -> Path:
        """The file for an action: the typed name (without any extension typed) plus ``suffix``."""
        stem = self.name.value.strip() or "ocop"
        for known in (".json", ".csv", ".md"):
            stem = stem.removesuffix(known)
        return Path(stem + suffix)

    def run(self, action: str) -> None:
        """Do one action (``"save"``, ``"load"``, ``"csv"`` or ``"md"``) and report it."""
        try:
            if action == "load":
                path = self.path(".json")
                self.tool.load(path)
                if self.tool.message.value:
                    return  # the tool already said what went wrong
                done = _("Opened {path}.")
            elif action == "save":
                path, done = self.tool.save(self.path(".json")), _("Saved to {path}.")
            elif action == "csv":
                path, done = self.path(".csv"), _("Exported to {path}.")
                self.tool.to_csv(path)
            else:
                path, done = self.path(".md"), _("Exported to {path}.")
                self.tool.to_markdown(path)
        except OSError as error:
            self.tool.message.value = message_html(
                _("Could not write the file: {error}").format(error=error))
            return
        self.tool.message.value = message_html(done.format(path=path.resolve()), "ok")
