"""A self-contained HTML report of a cohort, with its charts embedded.

- completion and mean score by province and topic (heatmaps);
- the distribution of scores in each topic;
- item difficulty: the share of graded participants passing each test cell;
- every failed grading with its reason, and every submission not graded yet.

Participants' ids, names and reasons are text, escaped wherever they appear:
a reason may quote a participant's file, and an id comes from a folder name.

:func:`build_report` works on plain tables, so it can be timed on a synthetic
cohort of any size (``benchmarks/report_build.py``); :func:`course_report`
reads them from a course directory.
"""

from __future__ import annotations

import base64
import html
import io
import unicodedata
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from . import export
from ..i18n import _

DONE = ("graded", "late")
STATUSES = ("graded", "late", "failed", "ungraded", "missing")
# The report is plain HTML with inline styles and images: should escaping ever miss, nothing may run or load.
POLICY = ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
          'style-src \'unsafe-inline\'">')


def _image(figure: Figure) -> str:
    """Return an <img> with the figure inlined as base64 PNG.

    Margins are set by each chart rather than measured (``bbox_inches="tight"``):
    measuring every tick label of 63 provinces costs seconds per chart.
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="" src="data:image/png;base64,{data}">'


def _percent(grades: pd.DataFrame) -> pd.Series:
    """Score as a percentage of the maximum, for graded submissions."""
    score = pd.to_numeric(grades["score"], errors="coerce")
    maximum = pd.to_numeric(grades["max_score"], errors="coerce").replace(0, np.nan)
    return 100 * score / maximum


def vietnamese_order(names) -> list[str]:
    """Sort Vietnamese names by their letters first, then diacritics: Bạc Liêu before Bình Dương."""
    def letters(name: str) -> bytes:
        # Đ is a letter of its own, after D; the other diacritics only break ties.
        plain = name.replace("Đ", "D~").replace("đ", "d~")
        return unicodedata.normalize("NFD", plain).encode("ascii", "ignore").lower()

    return sorted(names, key=lambda name: (letters(name), name))


def _heatmap(table: pd.DataFrame, title: str, unit: str) -> Figure:
    """Draw provinces (rows) by topics (columns) as a heatmap with a colour bar."""
    table = table.reindex(vietnamese_order(table.index))
    figure = Figure(figsize=(1.2 + 0.7 * max(1, table.shape[1]), 1.5 + 0.22 * max(1, table.shape[0])))
    axes = figure.subplots()
    image = axes.imshow(table.to_numpy(dtype=float), aspect="auto", cmap="YlGn", vmin=0, vmax=100)
    # Labels are drawn as given: a "$" in a name must not start matplotlib's maths (or break the chart).
    axes.set_xticks(range(table.shape[1]), table.columns, rotation=45, ha="right", parse_math=False)
    axes.set_yticks(range(table.shape[0]), table.index, fontsize=7, parse_math=False)
    axes.set_title(title)
    figure.colorbar(image, ax=axes, label=unit)
    _margins(figure, left=1.6, right=0.2, bottom=1.0, top=0.45)
    return figure


def _distributions(grades: pd.DataFrame) -> Figure:
    """Draw one histogram of score percentages per topic."""
    topics = sorted(grades["assignment"].unique())
    columns = min(4, max(1, len(topics)))
    rows = -(-len(topics) // columns)
    figure = Figure(figsize=(3.2 * columns, 2.4 * rows))
    for index, topic in enumerate(topics):
        axes = figure.add_subplot(rows, columns, index + 1)
        values = grades.loc[grades["assignment"] == topic, "percent"].dropna()
        axes.hist(values, bins=np.linspace(0, 100, 11), color="#2e7d32")
        axes.set_title(topic, fontsize=9)
        axes.set_xlabel(_("score (%)"), fontsize=8)
    figure.subplots_adjust(hspace=0.7, wspace=0.3, bottom=0.12)
    return figure


def _margins(figure: Figure, left: float, right: float, bottom: float, top: float) -> None:
    """Set the figure's margins in inches, so labels fit whatever the figure's size."""
    width, height = figure.get_size_inches()
    figure.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height)


def _difficulty(items: pd.DataFrame) -> Figure:
    """Draw the share passing each autograded test cell, grouped by topic.

    Written answers are left out: until a trainer grades them they would all
    show as failed.
    """
    code = items[items["cell_type"] == "code"] if "cell_type" in items else items
    shares = code.groupby(["assignment", "cell"])["passed"].mean().mul(100)
    figure = Figure(figsize=(8, 1 + 0.2 * max(1, len(shares))))
    axes = figure.subplots()
    labels = [f"{a} · {c}" for a, c in shares.index]
    axes.barh(labels[::-1], shares.to_numpy()[::-1], color="#0b5394")
    axes.set_xlim(0, 100)
    axes.set_xlabel(_("participants passing (%)"))
    axes.set_title(_("Item difficulty: share passing each test"), loc="left", fontsize=10)
    axes.tick_params(axis="y", labelsize=7)
    axes.set_ylim(-0.6, len(shares) - 0.4)
    _margins(figure, left=3.0, right=0.3, bottom=0.55, top=0.35)
    return figure


def _table(frame: pd.DataFrame) -> str:
    """Return a DataFrame as an escaped HTML table."""
    return frame.to_html(index=False, escape=True, border=0, classes="data")


def build_report(grades: pd.DataFrame, items: pd.DataFrame, title: str) -> str:
    """Build the report's HTML from the export tables.

    Parameters
    ----------
    grades : DataFrame
        Rows of :func:`ocopkit.trainer.export.grade_rows`.
    items : DataFrame
        Rows of :func:`ocopkit.trainer.export.item_rows` (``passed`` 0 or 1).
    title : str
        Heading of the report.

    Returns
    -------
    str
        A whole HTML document, charts inlined, no outside files.
    """
    grades = grades.copy()
    grades["done"] = grades["status"].isin(DONE)
    grades["percent"] = _percent(grades).where(grades["done"])
    province = grades["province"].replace("", _("(unknown)"))
    completion = grades.assign(province=province).pivot_table(
        index="province", columns="assignment", values="done", aggfunc="mean").mul(100)
    mean = grades.assign(province=province).pivot_table(
        index="province", columns="assignment", values="percent", aggfunc="mean")
    listed = ["participant_id", "province", "assignment", "reason"]
    failed = grades.loc[grades["status"] == "failed", listed]
    ungraded = grades.loc[grades["status"] == "ungraded", listed]
    counts = grades["status"].value_counts()
    summary = " · ".join(f"{status}: {counts.get(status, 0)}" for status in STATUSES)
    items = items.assign(passed=pd.to_numeric(items["passed"], errors="coerce"))
    def heading(text: str) -> str:
        return f"<h2>{html.escape(text)}</h2>"

    def paragraph(text: str) -> str:
        return f"<p>{html.escape(text)}</p>"

    generated = _("Generated")
    people = _("participants")
    parts = [
        f"<h1>{html.escape(title)}</h1>",  # no links out: the file is opened offline
        paragraph(f"{generated} {datetime.now():%Y-%m-%d %H:%M} · {people}: "
                  f"{grades['participant_id'].nunique()} · {summary}"),
        heading(_("Completion by province and topic")),
        _image(_heatmap(completion, _("Completion (%)"), "%")),
        heading(_("Mean score by province and topic")),
        _image(_heatmap(mean, _("Mean score (% of maximum)"), "%")) if mean.size and mean.notna().any().any()
        else paragraph(_("No graded submissions yet.")),
        heading(_("Score distribution per topic")),
        _image(_distributions(grades)),
        heading(_("Item difficulty")),
        _image(_difficulty(items)) if len(items) else paragraph(_("No graded items yet.")),
        heading(_("Failed gradings") + f" ({len(failed)})"),
        _table(failed) if len(failed) else paragraph(_("None.")),
    ]
    if len(ungraded):
        parts += [heading(_("Handed in, not graded yet") + f" ({len(ungraded)})"), _table(ungraded)]
    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;}"
             "table.data{border-collapse:collapse;font-size:0.9em}"
             "table.data td,table.data th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left}")
    return (f"<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\">{POLICY}"
            f"<title>{html.escape(title)}</title><style>{style}</style></head><body>{''.join(parts)}</body></html>")


def course_report(course_dir: str | Path, out: str | Path) -> Path:
    """Write the report of a course directory to ``out``."""
    grades = pd.DataFrame(export.grade_rows(course_dir), columns=export.COLUMNS)
    items = pd.DataFrame(export.item_rows(course_dir), columns=export.ITEM_COLUMNS)
    title = _("OCOP course report: {course}").format(course=Path(course_dir).resolve().name)
    path = Path(out)
    path.write_text(build_report(grades, items, title), encoding="utf-8")
    return path
