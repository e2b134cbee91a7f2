"""Pieces every widget shares: charts as images, and messages."""

from __future__ import annotations

import contextlib
import html
import io
from pathlib import Path

from matplotlib.figure import Figure


def figure_png(figure: Figure) -> bytes:
    """Render a matplotlib figure to PNG bytes.

    Widgets show charts in an ``ipywidgets.Image`` rather than an ``Output``
    widget: no pyplot state, no backend to configure, and no Output-widget
    writes, which can stall headless notebook execution (nbclient issue 312).
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    return buffer.getvalue()


def figures_table(rows) -> str:
    """Return (label, value) pairs as a two-column HTML table, values right-aligned in bold."""
    cells = "".join(f"<tr><td>{label}</td><td style='text-align:right'><b>{value}</b></td></tr>"
                    for label, value in rows)
    return f"<table>{cells}</table>"


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


class HoldRefresh:
    """Mixin for a tool that recomputes on every change: change many inputs, recompute once.

    ``with self._hold(): ...`` sets several boxes; ``refresh`` returns early
    while ``self._holding`` is true, and the caller refreshes afterwards.
    """

    _holding = False

    @contextlib.contextmanager
    def _hold(self):
        holding, self._holding = self._holding, True
        try:
            yield
        finally:
            self._holding = holding
