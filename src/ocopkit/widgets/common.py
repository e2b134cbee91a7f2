"""Pieces every widget shares: charts (as images, updated in place), tables, exports and messages."""

from __future__ import annotations

import html
import io
from pathlib import Path

from matplotlib.figure import Figure

from ..i18n import get_language


def figure_png(figure: Figure) -> bytes:
    """Render a matplotlib figure to PNG bytes.

    Widgets show charts in an ``ipywidgets.Image`` rather than an ``Output``
    widget: no pyplot state, no backend to configure, and no Output-widget
    writes, which can stall headless notebook execution (nbclient issue 312).
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    return buffer.getvalue()


class LiveChart:
    """A chart drawn once and then updated in place for each new result.

    Building a figure, its axes and ticks anew costs about a fifth of a
    redraw; updating the data of existing artists keeps a live tool within
    its 100 ms budget. A subclass sets ``size`` (and ``projection`` for a
    polar chart), creates its artists in :meth:`build` and changes their data
    in :meth:`update`; :meth:`fits` says when the chart must be built again
    (another language, or a result of another shape).

    Parameters
    ----------
    result : object
        The first result, to lay the chart out.
    """

    size = (6.4, 3.0)  # inches; small images also encode faster
    projection: str | None = None

    def __init__(self, result):
        self.language = get_language()
        self.figure = Figure(figsize=self.size)
        self.axes = self.figure.subplots(subplot_kw={"projection": self.projection})
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
    items = " &nbsp; ".join(
        f'<span style="color:{colour}">{marks[symbol]}</span> {label}' for symbol, colour, label in keys
    )
    return f"<b>{title}</b>" + (f"<br><small>{items}</small>" if items else "")


def figures_table(rows) -> str:
    """Return (label, value) pairs as a two-column HTML table, values right-aligned in bold.

    The labels and values are put in as they are (HTML); tables of text
    typed by participants or read from data go through :func:`html_table`.
    """
    cells = "".join(
        f"<tr><td>{label}</td><td style='text-align:right'><b>{value}</b></td></tr>" for label, value in rows
    )
    return f"<table>{cells}</table>"


def html_table(header, rows, *, bold_rows=()) -> str:
    """Return a table with a header row as HTML, every cell escaped.

    Parameters
    ----------
    header : sequence of str
        The column titles.
    rows : iterable of sequences
        The cells of each row; numbers and dates are written with ``str``, so
        format them first (``format_number``, ``format_date``).
    bold_rows : collection of int
        Positions of the rows to show in bold, e.g. the best idea.
    """
    head = "".join(f"<th>{_escape(title)}</th>" for title in header)
    lines = []
    for number, row in enumerate(rows):
        style = " style='font-weight:bold'" if number in bold_rows else ""
        lines.append(f"<tr{style}>" + "".join(f"<td>{_escape(cell)}</td>" for cell in row) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(lines)}</table>"


def _escape(cell) -> str:
    """A cell as safe HTML text."""
    return html.escape(str(cell), quote=False)


def text_export(text: str, path=None) -> str:
    """Return an export's text; with ``path``, also write it as UTF-8."""
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def message_html(text: str, kind: str = "error") -> str:
    """Return a short coloured message for an ``ipywidgets.HTML``; empty text clears it."""
    if not text:
        return ""
    colour = {"error": "#b00020", "info": "#0b5394", "ok": "#1e7b34"}[kind]
    return f'<div style="color:{colour};font-weight:600">{html.escape(text, quote=False)}</div>'
