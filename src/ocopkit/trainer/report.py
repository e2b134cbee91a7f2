"""A self-contained HTML report of a cohort, with its charts embedded.

- completion and mean score by province and topic (heatmaps), provinces being
  the 34 units since 1 July 2025 (a former name is counted in its current unit);
- the distribution of scores in each topic (a sentence instead while nothing is graded);
- item difficulty: the share of graded participants passing each test cell;
- every failed grading with its reason (and the former province beside the
  current one), and every submission not graded yet.

Participants' ids, names and reasons are text, escaped wherever they appear:
a reason may quote a participant's file, and an id comes from a folder name.

:func:`build_report` works on plain tables, so it can be timed on a synthetic
cohort of any size (``benchmarks/report_build.py``); :func:`course_report`
reads them from a course directory. The page's markup is the Jinja2 template
``templates/report.html.j2``; this module only gathers the values it shows,
numbers formatted for the current language.
"""

from __future__ import annotations

import base64
import io
import unicodedata
from datetime import datetime
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import provinces
from ..i18n import _, format_number
from . import export
from .course import Course

DONE = ("graded", "late")
STATUSES = ("graded", "late", "failed", "ungraded", "missing")
# Autoescape on for every value: participants' text is hostile. StrictUndefined turns a misspelt name into an
# error rather than an empty place in the page.
_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("ocopkit.trainer", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _png(figure: Figure) -> str:
    """Return the figure as base64 PNG, for an inline ``data:`` image.

    Margins are set by each chart rather than measured (``bbox_inches="tight"``):
    measuring every tick label of 63 provinces costs seconds per chart.
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


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


def _listing(frame: pd.DataFrame) -> dict:
    """Return a table's columns, rows (missing values blank) and formatted row count, for the template."""
    rows = [["" if pd.isna(value) else value for value in row] for row in frame.itertuples(index=False)]
    return {"columns": list(frame.columns), "rows": rows, "count": format_number(len(rows))}


def _status_words() -> dict[str, str]:
    """Each status of the export as the page says it, in the current language."""
    return {
        "graded": _("graded"),
        "late": _("late"),
        "failed": _("failed"),
        "ungraded": _("ungraded"),
        "missing": _("missing"),
    }


def _labels() -> dict[str, str]:
    """The report's headings and sentences in the current language."""
    return {
        "generated": _("Generated"),
        "participants": _("participants"),
        "completion": _("Completion by province and topic"),
        "mean": _("Mean score by province and topic"),
        "no_grades": _("No graded submissions yet."),
        "distribution": _("Score distribution per topic"),
        "no_distribution": _("No score to show yet: the charts appear once a submission is graded."),
        "difficulty": _("Item difficulty"),
        "no_items": _("No graded items yet."),
        "failed": _("Failed gradings"),
        "none": _("None."),
        "ungraded": _("Handed in, not graded yet"),
    }


def _render(**context) -> str:
    """Render ``templates/report.html.j2``, the page's markup, with the values :func:`build_report` gathered."""
    return _TEMPLATES.get_template("report.html.j2").render(**context)


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
    # Group by the 34 units since 1 July 2025, whatever name (former or current) the rows carry.
    province = grades["province"].map(lambda name: provinces.current_province(name, strict=False)[0])
    grades["province"] = province
    province = province.replace("", _("(unknown)"))
    completion = (
        grades.assign(province=province)
        .pivot_table(index="province", columns="assignment", values="done", aggfunc="mean")
        .mul(100)
    )
    mean = grades.assign(province=province).pivot_table(
        index="province", columns="assignment", values="percent", aggfunc="mean"
    )
    listed = [
        "participant_id",
        "province",
        *(["former_province"] if "former_province" in grades else []),
        "assignment",
        "reason",
    ]
    failed = grades.loc[grades["status"] == "failed", listed]
    ungraded = grades.loc[grades["status"] == "ungraded", listed]
    counts = grades["status"].value_counts()
    items = items.assign(passed=pd.to_numeric(items["passed"], errors="coerce"))
    has_means = bool(mean.size and mean.notna().any().any())
    charts = {
        "completion": _png(_heatmap(completion, _("Completion (%)"), "%")),
        "mean": _png(_heatmap(mean, _("Mean score (% of maximum)"), "%")) if has_means else None,
        "distribution": _png(_distributions(grades)) if has_means else None,
        "difficulty": _png(_difficulty(items)) if len(items) else None,
    }
    return _render(
        title=title,
        text=_labels(),
        charts=charts,
        generated=f"{datetime.now():%Y-%m-%d %H:%M}",
        participants=format_number(grades["participant_id"].nunique()),
        counts=[(_status_words()[status], format_number(counts.get(status, 0))) for status in STATUSES],
        failed=_listing(failed),
        ungraded=_listing(ungraded),
    )


def course_report(course: Course | str | Path, out: str | Path) -> Path:
    """Write the report of a course (opened once by the caller, or its folder) to ``out``."""
    course = Course.of(course)
    grades = pd.DataFrame(export.grade_rows(course), columns=export.COLUMNS)
    items = pd.DataFrame(export.item_rows(course), columns=export.ITEM_COLUMNS)
    title = _("OCOP course report: {course}").format(course=course.root.name)
    path = Path(out)
    path.write_text(build_report(grades, items, title), encoding="utf-8")
    return path
