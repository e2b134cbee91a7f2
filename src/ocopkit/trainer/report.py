"""A self-contained HTML report of a cohort, with its charts embedded.

What a provincial trainer reads at a glance, in Vietnamese (English by setting):

- one row per topic (its name, not ``topic08``): handed in, graded, mean score
  and the reliability of its checks (Cronbach's α);
- one row per province, the 34 units since 1 July 2025 (a former name is
  counted in its current unit): participants, completion and mean score;
- completion and mean score by province and topic as heatmaps with the value
  written in each cell;
- the distribution of scores in each topic (a sentence instead while nothing is graded);
- item analysis per topic: each autograded check with what it checks, the
  share passing (hardest first), its discrimination, and a flag on the checks
  that do not tell strong participants from weak ones;
- every failed grading with the participant's name and the reason; per topic,
  who has not handed in (name, province, organisation, e-mail), and every
  submission not graded yet.

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
import re
import unicodedata
from datetime import datetime
from pathlib import Path

import jinja2
import nbformat
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import provinces
from ..i18n import _, format_number, get_language
from . import export, item_analysis, manifest, roster
from .course import Course, repository_root

# Graded by the machine; awaiting_trainer still has a written part for a trainer to grade by hand.
DONE = ("graded", "late", export.AWAITING)
STATUSES = ("graded", "late", export.AWAITING, "failed", "ungraded", "missing")
# Autoescape on for every value: participants' text is hostile. StrictUndefined turns a misspelt name into an
# error rather than an empty place in the page.
_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("ocopkit.trainer", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
TOPIC_NUMBER = re.compile(r"^topic0*(\d+)$")


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


def topic_label(assignment: str) -> str:
    """A topic's short name for chart axes: ``"topic08"`` → ``"Chủ đề 8"``; other names as they are."""
    match = TOPIC_NUMBER.match(str(assignment))
    return _("Topic {number}").format(number=match[1]) if match else str(assignment)


def topic_titles(repo: Path | None = None) -> dict[str, str]:
    """Each assignment's topic and title from ``course/manifest.toml``, in the current language.

    ``{"topic08": "Chủ đề 8. Bộ tiêu chí OCOP và cách xếp hạng sao", ...}``; empty
    when the kit's repository is not at hand (an assignment then shows its name).
    """
    try:
        lessons = manifest.lessons(repo or repository_root())
    except (FileNotFoundError, OSError):
        return {}
    english = get_language() == "en"
    return {
        lesson.assignment: f"{topic_label(lesson.assignment)}. {lesson.title_en if english else lesson.title_vi}"
        for lesson in lessons
        if lesson.assignment
    }


def check_descriptions(source: Path) -> dict[tuple[str, str], str]:
    """What each autograded check checks, from the first comment of its test cell in the source notebooks.

    ``{("topic08", "part4_points_needed_correct"): "số điểm cần thêm"}``: the
    solutions' test cells open with ``# Kiểm tra: …``, the words a
    participant reads above the check.
    """
    found = {}
    for path in sorted(Path(source).glob("*/*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            meta = cell.metadata.get("nbgrader", {})
            first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
            if meta.get("grade") and cell.cell_type == "code" and first.startswith("#"):
                words = first.lstrip("# ").strip()
                found[(path.parent.name, meta["grade_id"])] = re.sub(r"^(Kiểm tra|Check)\s*:\s*", "", words)
    return found


def _heatmap(table: pd.DataFrame, title: str, unit: str) -> Figure:
    """Draw provinces (rows) by topics (columns) as a heatmap, each cell with its value written in it."""
    table = table.reindex(vietnamese_order(table.index))
    values = table.to_numpy(dtype=float)
    figure = Figure(figsize=(2.4 + 0.75 * max(1, table.shape[1]), 1.5 + 0.26 * max(1, table.shape[0])))
    axes = figure.subplots()
    image = axes.imshow(values, aspect="auto", cmap="YlGn", vmin=0, vmax=100)
    # Labels are drawn as given: a "$" in a name must not start matplotlib's maths (or break the chart).
    columns = [topic_label(name) for name in table.columns]
    axes.set_xticks(range(table.shape[1]), columns, rotation=45, ha="right", parse_math=False)
    axes.set_yticks(range(table.shape[0]), table.index, fontsize=8, parse_math=False)
    for (row, column), value in np.ndenumerate(values):
        if not np.isnan(value):
            colour = "white" if value >= 60 else "black"  # dark green cells need light digits
            axes.text(column, row, f"{value:.0f}", ha="center", va="center", fontsize=7, color=colour)
    axes.set_title(title)
    figure.colorbar(image, ax=axes, label=unit)
    _margins(figure, left=1.9, right=0.2, bottom=1.0, top=0.45)
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
        axes.set_title(topic_label(topic), fontsize=9)
        axes.set_xlabel(_("score (%)"), fontsize=8)
        axes.set_ylabel(_("participants"), fontsize=8)
    figure.subplots_adjust(hspace=0.8, wspace=0.35, bottom=0.12)
    return figure


def _margins(figure: Figure, left: float, right: float, bottom: float, top: float) -> None:
    """Set the figure's margins in inches, so labels fit whatever the figure's size."""
    width, height = figure.get_size_inches()
    figure.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height)


def _listing(frame: pd.DataFrame, headers: dict[str, str] | None = None) -> dict:
    """Return a table's headings, rows (missing values blank) and formatted row count, for the template."""
    rows = [["" if pd.isna(value) else value for value in row] for row in frame.itertuples(index=False)]
    names = [(headers or {}).get(column, column) for column in frame.columns]
    return {"columns": names, "rows": rows, "count": format_number(len(rows))}


def status_words() -> dict[str, str]:
    """Each status of the export as the page says it, in the current language."""
    return {
        "graded": _("graded"),
        "late": _("late"),
        export.AWAITING: _("awaiting the trainer's grading"),
        "failed": _("failed"),
        "ungraded": _("ungraded"),
        "missing": _("missing"),
    }


def _headers() -> dict[str, str]:
    """The columns of the report's tables as the page heads them."""
    return {
        "participant_id": _("Participant"),
        "name": _("Name"),
        "province": _("Province (since 1/7/2025)"),
        "former_province": _("Former province"),
        "organisation_type": _("Organisation"),
        "email": _("E-mail"),
        "assignment": _("Topic"),
        "reason": _("Reason"),
    }


def _labels() -> dict[str, str]:
    """The report's headings and sentences in the current language."""
    return {
        "generated": _("Generated"),
        "participants": _("participants"),
        "topics": _("Topics"),
        "provinces": _("Provinces"),
        "completion": _("Completion by province and topic"),
        "mean": _("Mean score by province and topic"),
        "no_grades": _("No graded submissions yet."),
        "distribution": _("Score distribution per topic"),
        "no_distribution": _("No score to show yet: the charts appear once a submission is graded."),
        "difficulty": _("Item difficulty"),
        "items_intro": _(
            "Each autograded check, the hardest first: the share of graded participants passing it, and its "
            "discrimination (the correlation with the rest of the topic; under 0.2 the check does not tell strong "
            "participants from weak ones). α is Cronbach's reliability of the topic's checks (0.7 and above is good)."
        ),
        "no_items": _("No graded items yet."),
        "failed": _("Failed gradings"),
        "none": _("None."),
        "missing": _("Not handed in"),
        "ungraded": _("Handed in, not graded yet"),
    }


def _alt(kind: str, rows: int, columns: int) -> str:
    """A chart's alternative text: what it shows and how to read it."""
    texts = {
        "completion": _(
            "Heatmap: share of participants whose submission is graded (%), {rows} provinces by {columns} topics; "
            "each cell shows its percentage."
        ),
        "mean": _(
            "Heatmap: mean score (% of the maximum), {rows} provinces by {columns} topics; each cell shows its value."
        ),
        "distribution": _("Histograms: how many participants reached each score band (%), one per topic."),
    }
    return texts[kind].format(rows=format_number(rows), columns=format_number(columns))


def _percent_text(value) -> str:
    """A percentage as the page writes it, or a dash when there is none."""
    return "–" if value is None or pd.isna(value) else f"{format_number(value, 0)} %"


def _topic_rows(grades: pd.DataFrame, items: pd.DataFrame, titles: dict[str, str]) -> list[list[str]]:
    """One row per topic: its name, handed in, graded, mean score and α."""
    alpha = item_analysis.reliability(items) if len(items) else {}
    rows = []
    for topic, group in grades.groupby("assignment", sort=True):
        handed_in = (group["status"] != "missing").sum()
        value = alpha.get(topic, float("nan"))
        rows.append(
            [
                titles.get(topic, topic),
                f"{format_number(handed_in)} / {format_number(len(group))}",
                format_number(group["done"].sum()),
                _percent_text(group["percent"].mean()),
                "–" if pd.isna(value) else format_number(value, 2),
            ]
        )
    return rows


def _province_rows(grades: pd.DataFrame) -> list[list[str]]:
    """One row per province: participants, completion and mean score."""
    rows = []
    for name in vietnamese_order(grades["province"].unique()):
        group = grades[grades["province"] == name]
        rows.append(
            [
                name,
                format_number(group["participant_id"].nunique()),
                _percent_text(100 * group["done"].mean()),
                _percent_text(group["percent"].mean()),
            ]
        )
    return rows


def _item_sections(items: pd.DataFrame, titles: dict[str, str], descriptions: dict) -> list[dict]:
    """Per topic: α and each check's description, passing share, discrimination and flag, hardest first."""
    flags = {
        "low": _("does not discriminate: review the check"),
        "no_spread": _("everyone scored the same: tells nothing"),
        "": "",
    }
    sections = []
    for topic in sorted(items["assignment"].unique()):
        table = item_analysis.item_table(items, topic)
        if table.empty:
            continue
        alpha = item_analysis.cronbach_alpha(item_analysis.item_matrix(items, topic))
        rows = [
            [
                row.cell,
                descriptions.get((topic, row.cell), ""),
                _percent_text(row.passing),
                "–" if pd.isna(row.discrimination) else format_number(row.discrimination, 2),
                flags[row.flag],
            ]
            for row in table.itertuples()
        ]
        sections.append(
            {
                "title": titles.get(topic, topic),
                "alpha": "–" if pd.isna(alpha) else format_number(alpha, 2),
                "rows": rows,
            }
        )
    return sections


def _missing_sections(grades: pd.DataFrame, titles: dict[str, str]) -> list[dict]:
    """Per topic, who has not handed in: name, province, organisation and e-mail."""
    listed = [c for c in ("participant_id", "name", "province", "organisation_type", "email") if c in grades]
    sections = []
    for topic, group in grades[grades["status"] == "missing"].groupby("assignment", sort=True):
        shown = group[listed]
        if "organisation_type" in shown:
            shown = shown.assign(organisation_type=shown["organisation_type"].map(roster.organisation_label))
        sections.append({"title": titles.get(topic, topic), "table": _listing(shown, _headers())})
    return sections


def _render(**context) -> str:
    """Render ``templates/report.html.j2``, the page's markup, with the values :func:`build_report` gathered."""
    return _TEMPLATES.get_template("report.html.j2").render(**context)


def _prepared(grades: pd.DataFrame) -> pd.DataFrame:
    """The grade rows with ``done``, ``percent`` and the province as one of the 34 current units."""
    grades = grades.copy()
    grades["done"] = grades["status"].isin(DONE)
    grades["percent"] = _percent(grades).where(grades["done"])
    # Group by the 34 units since 1 July 2025, whatever name (former or current) the rows carry.
    current = {name: provinces.current_province(name, strict=False)[0] for name in grades["province"].unique()}
    grades["province"] = grades["province"].map(current).replace("", _("(unknown)"))
    return grades


def build_report(
    grades: pd.DataFrame,
    items: pd.DataFrame,
    title: str,
    *,
    titles: dict[str, str] | None = None,
    descriptions: dict | None = None,
    subtitle: str = "",
) -> str:
    """Build the report's HTML from the export tables.

    Parameters
    ----------
    grades : DataFrame
        Rows of :func:`ocopkit.trainer.export.grade_rows`; an ``email`` column,
        when present, is listed with those who have not handed in.
    items : DataFrame
        Rows of :func:`ocopkit.trainer.export.item_rows` (``passed`` 0 or 1).
    title : str
        Heading of the report.
    titles : dict, optional
        Each assignment's topic name (:func:`topic_titles` by default).
    descriptions : dict, optional
        What each check checks, keyed by (assignment, cell) (:func:`check_descriptions`).
    subtitle : str
        A line under the heading, e.g. the course folder.

    Returns
    -------
    str
        A whole HTML document, charts inlined, no outside files.
    """
    titles = topic_titles() if titles is None else titles
    grades = _prepared(grades)
    completion = grades.pivot_table(index="province", columns="assignment", values="done", aggfunc="mean").mul(100)
    mean = grades.pivot_table(index="province", columns="assignment", values="percent", aggfunc="mean")
    wanted = ("participant_id", "name", "province", "former_province", "assignment", "reason")
    listed = [column for column in wanted if column in grades]
    named = grades.assign(assignment=grades["assignment"].map(lambda a: titles.get(a, a)))
    failed = named.loc[named["status"] == "failed", listed]
    ungraded = named.loc[named["status"] == "ungraded", listed]
    counts = grades["status"].value_counts()
    items = items.assign(passed=pd.to_numeric(items["passed"], errors="coerce"))
    has_means = bool(mean.size and mean.notna().any().any())
    shape = completion.shape
    charts = {
        "completion": _png(_heatmap(completion, _("Completion (%)"), "%")),
        "mean": _png(_heatmap(mean, _("Mean score (% of maximum)"), "%")) if has_means else None,
        "distribution": _png(_distributions(grades)) if has_means else None,
    }
    alts = {kind: _alt(kind, *shape) for kind in ("completion", "mean", "distribution")}
    return _render(
        lang=get_language(),
        title=title,
        subtitle=subtitle,
        text=_labels(),
        charts=charts,
        alts=alts,
        generated=f"{datetime.now():%d/%m/%Y %H:%M}",
        participants=format_number(grades["participant_id"].nunique()),
        counts=[(status_words()[status], format_number(counts.get(status, 0))) for status in STATUSES],
        topic_columns=[_("Topic"), _("Handed in"), _("Graded"), _("Mean score"), "α"],
        topic_rows=_topic_rows(grades, items, titles),
        province_columns=[_("Province (since 1/7/2025)"), _("Participants"), _("Completion"), _("Mean score")],
        province_rows=_province_rows(grades),
        item_columns=[_("Check"), _("What it checks"), _("Passing"), _("Discrimination"), _("Note")],
        item_sections=_item_sections(items, titles, descriptions or {}) if len(items) else [],
        failed=_listing(failed, _headers()),
        missing=_missing_sections(grades, titles),
        ungraded=_listing(ungraded, _headers()),
    )


def course_report(course: Course | str | Path, out: str | Path) -> Path:
    """Write the report of a course (opened once by the caller, or its folder) to ``out``."""
    course = Course.of(course)
    grades = pd.DataFrame(export.grade_rows(course), columns=export.COLUMNS)
    people = course.ledger.participants()
    grades["email"] = grades["participant_id"].map(lambda who: (people.get(who) or {}).get("email", ""))
    items = pd.DataFrame(export.item_rows(course), columns=export.ITEM_COLUMNS)
    source = course.root / course.config().CourseDirectory.source_directory
    page = build_report(
        grades,
        items,
        _("OCOP course report"),
        descriptions=check_descriptions(source),
        subtitle=_("Course: {course}").format(course=course.root.name),
    )
    path = Path(out)
    path.write_text(page, encoding="utf-8")
    return path
