"""The base of every participant tool: inputs in; a message, a summary, a chart and files out.

Every tool of the course behaves the same way, whatever its boxes: it
recomputes through the logic on each change, shows bad input as a message
instead of a traceback, keeps its last valid result in ``.result`` for the
notebook to read, and redraws its chart in place when it can. :class:`Tool`
holds that behaviour once; :class:`~ocopkit.widgets.inputs.FormTool` adds
number and text boxes on top, and the tools with their own inputs (sliders,
tick boxes, date pickers) subclass :class:`Tool` directly.

See Also
--------
ocopkit.widgets.inputs.FormTool : the base of the tools made of text boxes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path

import ipywidgets as w
from matplotlib.figure import Figure

from ..dates import to_date
from ..errors import InputError
from ..i18n import _
from .common import LiveChart, figure_png, message_html

_BORDER_ERROR = "2px solid #b00020"


# --------------------------------------------------------------------------- the tool


class Tool(w.VBox):
    """Base of every participant tool: a result, a message, a summary, a chart and files.

    A subclass builds its input widgets, calls ``Tool.__init__``, and
    implements :meth:`compute` (inputs → result through the logic, raising
    one of ``input_errors`` on bad input) and :meth:`summary_html`. It sets
    ``chart_class`` to a :class:`~ocopkit.widgets.common.LiveChart`, or
    overrides :meth:`chart_figure` for a chart drawn anew each time. Once its
    inputs are ready it calls :meth:`refresh`; a tool whose starting values
    must raise when wrong computes its first result itself and shows it with
    ``_accept``. Several changes made inside ``with self._hold():`` are
    recomputed once, by the :meth:`refresh` that follows. Tools that save
    their work pass ``file_stem`` and implement :meth:`to_csv` and
    :meth:`to_markdown`; :meth:`inputs`, :meth:`set_inputs`, :meth:`save`
    and :meth:`load` work on ``fields``.

    Parameters
    ----------
    inputs : ipywidgets.Widget
        The inputs laid out for display, shown first.
    fields : dict, optional
        Input widgets keyed by the logic's field names: each change
        recomputes, an error's ``.field`` outlines the box to fix, and
        :meth:`inputs` and :meth:`save` read them.
    file_stem : str, optional
        Default name of the files the tool saves and exports; with it, the
        tool shows a :class:`FileBar`.

    Attributes
    ----------
    result : object or None
        The latest valid result; kept when an input is wrong.
    fields : dict
        The input widgets named by field (may be empty).
    message, summary, caption : ipywidgets.HTML
        What to fix, the key figures, and the chart's title and key.
    chart : ipywidgets.Image
        The chart as PNG.
    files : FileBar or None
        The file name and the save, open and export buttons.
    input_errors : tuple of exception classes
        Errors whose message tells the participant what to fix.

    See Also
    --------
    ocopkit.widgets.inputs.FormTool : the tools made of number and text boxes.
    """

    tool_name = "tool"
    chart_class: type[LiveChart] = LiveChart
    input_errors: tuple[type[Exception], ...] = (InputError,)
    _holding = False  # while True, refresh waits: several inputs change, one recomputation

    def __init__(self, inputs: w.Widget, *, fields: dict[str, w.Widget] | None = None, file_stem: str | None = None):
        self.fields = {} if fields is None else fields
        self.result = None
        self.message, self.summary, self.caption = w.HTML(), w.HTML(), w.HTML()
        self.chart = w.Image(format="png", layout=w.Layout(max_width="720px"))
        self._painter: LiveChart | None = None
        self.files = None if file_stem is None else FileBar(self, file_stem)
        super().__init__(self._arrange(inputs))
        for box in self.fields.values():
            box.observe(self._on_change, names="value")

    def _arrange(self, inputs: w.Widget) -> list[w.Widget]:
        """The children in display order: inputs, message, summary, caption, chart, files."""
        children = [inputs, self.message, self.summary, self.caption, self.chart]
        return children + ([self.files] if self.files is not None else [])

    # -- to implement ---------------------------------------------------------------
    def compute(self):
        """Read the inputs and return the result of the logic."""
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

    # -- refresh ---------------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute and redraw; on bad input show a message and keep the last result."""
        if self._holding:
            return
        try:
            result = self.compute()
        except self.input_errors as error:
            self._show_problem(str(error), getattr(error, "field", None))
            return
        except (ValueError, ArithmeticError) as error:
            # A case the checks did not foresee must still not end in a traceback.
            self._show_problem(_("Could not work this out with these inputs: {error}").format(error=error), None)
            return
        self._accept(result)

    def _accept(self, result) -> None:
        """Keep a valid result, clear the message and display it."""
        self.result = result
        self._show_problem("", None)
        self._display(result)

    def _display(self, result) -> None:
        """Show a valid result: the summary, then the chart and its caption."""
        self.summary.value = self.summary_html(result)
        self.chart.value = figure_png(self.chart_figure(result))
        self.caption.value = self._caption(result)

    def _caption(self, result) -> str:
        """The current chart's title and key (none for a chart drawn without a painter)."""
        return "" if self._painter is None else self._painter.caption_html(result)

    def _show_problem(self, text: str, field: str | None) -> None:
        """Show a message and outline the box it is about (none when ``text`` is empty)."""
        self.message.value = message_html(text)
        for name, box in self.fields.items():
            box.layout.border = _BORDER_ERROR if name == field else None

    def _show_message(self, text: str, kind: str = "error") -> None:
        """Say something in the message line, e.g. what is wrong with a value given from Python."""
        self.message.value = message_html(text, kind)

    def _on_change(self, _change) -> None:
        self.refresh()

    @contextlib.contextmanager
    def _hold(self):
        """Change several inputs inside ``with self._hold():``; refresh once afterwards."""
        holding, self._holding = self._holding, True
        try:
            yield
        finally:
            self._holding = holding

    def _set_date(self, picker: w.DatePicker, value, field: str, label: str) -> None:
        """Put a checked date in a date picker, or say what to fix and change nothing."""
        try:
            picker.value = to_date(value, field, label).date()
        except InputError as error:
            self._show_message(str(error))

    # -- inputs, save and load -------------------------------------------------------------
    def inputs(self) -> dict[str, object]:
        """Return what is in every box, keyed by field name (the content of a saved file)."""
        return {name: _plain(box.value) for name, box in self.fields.items()}

    def set_inputs(self, values: dict) -> None:
        """Fill boxes from Python or a saved file, then recompute once.

        Unknown names and values that do not fit a box are reported in the
        message; the other boxes are still filled.
        """
        unknown = sorted(str(name) for name in set(values) - set(self.fields))
        refused = []
        with self._hold():
            for name, value in values.items():
                if name in self.fields and not _assign(self.fields[name], value):
                    refused.append(_("{name}: {value!r} does not fit this box.").format(name=name, value=value))
        self.refresh()
        problems = refused + ([_("Unknown input(s): {names}.").format(names=", ".join(unknown))] if unknown else [])
        if problems:
            self._show_message(" ".join(problems))

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
            values = self._saved_inputs(_read_json(Path(path)))
        except ValueError as error:
            self._show_message(_("Could not read the saved file {path}: {error}").format(path=path, error=error))
            return
        self.set_inputs(values)

    def _saved_inputs(self, data: dict) -> dict:
        """The inputs stored in a saved file's data, or ValueError saying what is wrong."""
        if not isinstance(data.get("inputs"), dict):
            raise ValueError(_("the file is damaged or is not a saved file of the course tools"))
        if data.get("tool") != self.tool_name:
            raise ValueError(_("it was saved by another tool ({tool})").format(tool=data.get("tool")))
        return data["inputs"]


def _plain(value: object) -> object:
    """A box's value as JSON can store it: a date as ``"2026-01-15"``."""
    return value.isoformat() if isinstance(value, dt.date) else value


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
    elif isinstance(box, w.DatePicker):
        try:
            value = None if value is None else to_date(value).date()
        except InputError:
            return False
    box.value = value
    return True


def _read_json(path: Path) -> dict:
    """Return the data of a saved file, or raise ValueError saying what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(_("there is no such file")) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError(_("the file is damaged or is not a saved file of the course tools")) from None
    if not isinstance(data, dict):
        raise ValueError(_("the file is damaged or is not a saved file of the course tools"))
    return data


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
        self.name = w.Text(
            value=stem, description=_("File name"), tooltip=_("File name"), layout=w.Layout(width="300px")
        )
        actions = [
            (_("Save inputs"), "save", "save"),
            (_("Open saved inputs"), "folder-open", "load"),
            (_("Export CSV"), "table", "csv"),
            (_("Export Markdown"), "file-text", "md"),
        ]
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
            self.tool.message.value = message_html(_("Could not write the file: {error}").format(error=error))
            return
        self.tool.message.value = message_html(done.format(path=path.resolve()), "ok")
