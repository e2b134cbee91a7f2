"""Brand protection planner: choose a kind of protection and a filing date, see the dated steps.

A thin layer over :mod:`ocopkit.brands`: the boxes only collect the kind of
protection, the filing date, whether the sign has a place name and the date of
an OCOP evaluation; ``brands.plan`` computes everything, and the widget shows
the steps with their dates, a timeline chart, the renewal dates and a
checklist of documents to tick off.

Examples
--------
>>> from ocopkit.widgets.brands import BrandProtectionPlanner
>>> tool = BrandProtectionPlanner(kind="nhan_hieu_tap_the", filing_date="2025-03-14")
>>> tool.set_evaluation_date("2026-06-30")
>>> tool.result.ready_for_evaluation
True
"""

from __future__ import annotations

import datetime as _dt
import html
import textwrap

import ipywidgets as w
import matplotlib.dates as mdates
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .. import brands
from ..errors import InputError
from ..i18n import _
from .base import Tool
from .common import html_table

STATUTORY_COLOUR, TYPICAL_COLOUR, EVALUATION_COLOUR = "#0072B2", "#E69F00", "#b00020"  # Okabe–Ito
LABEL_WIDTH = 34  # characters per line of a step's name in the chart


class BrandProtectionPlanner(Tool):
    """Interactive planner of an application to protect a brand.

    Parameters
    ----------
    kind : str
        One of ``brands.CODES``: ``"nhan_hieu"`` (trademark), ``"nhan_hieu_tap_the"``
        (collective mark), ``"nhan_hieu_chung_nhan"`` (certification mark) or
        ``"chi_dan_dia_ly"`` (geographical indication).
    filing_date : str, datetime.date or pandas.Timestamp, optional
        The (planned) filing date; today when omitted.
    place_name : bool
        Whether the sign contains a place name.
    evaluation_date : str, datetime.date or pandas.Timestamp, optional
        The OCOP evaluation the certificate should be ready for.

    Raises
    ------
    ocopkit.errors.InputError
        When a starting value is wrong (an unknown kind, a date that is not a
        date); later bad input is shown in the message instead.

    Attributes
    ----------
    result : ocopkit.brands.ProtectionPlan
        The latest valid plan; a notebook can read it.
    kind, filing, place_name, evaluation : ipywidgets.Widget
        The inputs: a dropdown, two date pickers and a check box.
    checkboxes : list of ipywidgets.Checkbox
        One per document of the checklist, ticked when the document is ready.

    See Also
    --------
    ocopkit.brands.plan : the logic.
    """

    tool_name = "brand_protection"

    def __init__(self, kind: str = brands.TRADEMARK, filing_date=None, place_name: bool = False, evaluation_date=None):
        first = brands.plan(kind, _dt.date.today() if filing_date is None else filing_date, place_name, evaluation_date)
        style = {"description_width": "220px"}
        self.kind = w.Dropdown(
            options=[(p.label, p.code) for p in brands.PROTECTION_TYPES],
            value=kind,
            description=_("Kind of protection"),
            style=style,
            layout=w.Layout(width="520px"),
        )
        self.filing = w.DatePicker(value=first.timeline.filing_date.date(), description=_("Filing date"), style=style)
        self.place_name = w.Checkbox(value=place_name, description=_("The sign contains a place name"), style=style)
        self.evaluation = w.DatePicker(
            value=_as_date(first.evaluation_date), description=_("OCOP evaluation date (optional)"), style=style
        )
        self.about, self.ready_count = w.HTML(), w.HTML()
        self.checkboxes: list[w.Checkbox] = []
        self.checklist = w.VBox()
        self._listed: tuple[str, ...] | None = None  # the documents the tick boxes stand for
        fields = {
            "kind": self.kind,
            "filing_date": self.filing,
            "place_name": self.place_name,
            "evaluation_date": self.evaluation,
        }
        super().__init__(w.VBox(list(fields.values())), fields=fields)
        self.chart.layout.max_width = "760px"
        self._accept(first)

    def _arrange(self, inputs: w.Widget) -> list[w.Widget]:
        """Inputs, message, what the kind protects, the dated steps, the chart, the documents."""
        heading = w.HTML("<b>" + html.escape(_("Documents to prepare")) + "</b>")
        documents = w.VBox([heading, self.checklist, self.ready_count])
        return [inputs, self.message, self.about, self.summary, self.chart, documents]

    # ------------------------------------------------------------------ values

    def set_kind(self, code: str) -> None:
        """Choose the kind of protection from Python by its code; an unknown code is reported."""
        try:
            self.kind.value = brands.get_protection(code).code
        except InputError as error:
            self._show_message(str(error))

    def set_filing_date(self, value) -> None:
        """Set the filing date from Python: ``"2025-03-14"``, ``"14/03/2025"`` or a date."""
        self._set_date(self.filing, value, "filing_date", _("Filing date"))

    def set_evaluation_date(self, value) -> None:
        """Set the OCOP evaluation date from Python; None removes it."""
        if value is None:
            self.evaluation.value = None
            return
        self._set_date(self.evaluation, value, "evaluation_date", _("OCOP evaluation date"))

    def documents_ready(self) -> list[str]:
        """Return the documents ticked as ready."""
        return [doc for doc, box in zip(self.result.documents, self.checkboxes) if box.value]

    def documents_missing(self) -> list[str]:
        """Return the documents not yet ticked."""
        return [doc for doc, box in zip(self.result.documents, self.checkboxes) if not box.value]

    # ------------------------------------------------------------------ results

    def compute(self) -> brands.ProtectionPlan:
        """Plan the application with the boxes' values."""
        if self.filing.value is None:
            raise InputError(_("Choose the filing date."), "filing_date")
        return brands.plan(self.kind.value, self.filing.value, self.place_name.value, self.evaluation.value)

    def summary_html(self, result: brands.ProtectionPlan) -> str:
        """The dated steps, the term, the OCOP check and the notes."""
        return plan_html(result)

    def chart_figure(self, result: brands.ProtectionPlan) -> Figure:
        """The timeline, drawn anew: its steps and dates change with the kind."""
        return timeline_chart(result)

    def _display(self, result: brands.ProtectionPlan) -> None:
        """What the kind protects, the steps and chart, and the checklist (kept while its documents stay)."""
        self.about.value = about_html(result.timeline.kind)
        super()._display(result)
        if result.documents != self._listed:
            self._fill_checklist(result.documents)
        self._count_ready()

    def _fill_checklist(self, documents: tuple[str, ...]) -> None:
        """One tick box per document; a new list starts with nothing ticked."""
        self.checkboxes = [w.Checkbox(False, indent=False, layout=w.Layout(width="28px")) for _doc in documents]
        for box in self.checkboxes:
            box.observe(lambda _change: self._count_ready(), names="value")
        self.checklist.children = [
            w.HBox([box, w.HTML(html.escape(doc))]) for box, doc in zip(self.checkboxes, documents)
        ]
        self._listed = documents

    def _count_ready(self) -> None:
        """Say how many documents are ready."""
        ready, total = len(self.documents_ready()), len(self.checkboxes)
        text = (
            _("All {total} documents are ready.") if ready == total else _("{ready} of {total} documents ready.")
        ).format(ready=ready, total=total)
        self.ready_count.value = f"<i>{html.escape(text)}</i>"


def _as_date(value) -> _dt.date | None:
    """A Timestamp as a date for a date picker; None stays None."""
    return None if value is None else value.date()


def about_html(kind: brands.ProtectionType) -> str:
    """Return what a kind of protection protects, who may apply, how long it lasts and an example."""
    rows = [
        (_("What it protects"), kind.protects),
        (_("Who may apply"), kind.who_may_apply),
        (_("How long"), kind.term),
        (_("Example"), kind.example),
    ]
    body = "".join(f"<li><b>{html.escape(title)}:</b> {html.escape(text)}</li>" for title, text in rows)
    return f"<h4>{html.escape(kind.label)}</h4><ul>{body}</ul>"


def plan_html(plan: brands.ProtectionPlan) -> str:
    """Return the dated steps as a table, then the term, the OCOP check and the notes."""
    titles = (_("Step"), _("From"), _("By (latest)"), _("Basis"))
    rows = [
        (p.label, brands.format_date(p.start), brands.format_date(p.end), p.basis_label) for p in plan.timeline.phases
    ]
    lines = [term_text(plan), evaluation_text(plan)]
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
    notes = "".join(f"<li>{html.escape(note)}</li>" for note in plan.notes)
    return f"{html_table(titles, rows)}{paragraphs}<ul style='font-size:smaller'>{notes}</ul>"


def term_text(plan: brands.ProtectionPlan) -> str:
    """Say how long protection lasts and, for a mark, when to renew it."""
    if plan.renewal is None:
        return plan.timeline.kind.term
    renewal = plan.renewal
    return _(
        "If granted, valid until {expiry} (10 years from the filing date). Ask for renewal from {opens} "
        "to {expiry}; late, with a surcharge, until {late}."
    ).format(
        expiry=brands.format_date(renewal.expiry),
        opens=brands.format_date(renewal.window_opens),
        late=brands.format_date(renewal.late_deadline),
    )


def evaluation_text(plan: brands.ProtectionPlan) -> str:
    """Say whether the certificate of a mark can be in hand for the OCOP evaluation; empty otherwise."""
    if plan.ready_for_evaluation is None:
        return ""
    dates = {
        "evaluation": brands.format_date(plan.evaluation_date),
        "decision": brands.format_date(plan.timeline.decision_due),
        "certificate": brands.format_date(plan.timeline.certificate_by),
    }
    if plan.ready_for_evaluation:
        return _(
            "In time for the OCOP evaluation on {evaluation}: the decision is due by {decision} and the "
            "certificate about {certificate}."
        ).format(**dates)
    return _(
        "Too tight for the OCOP evaluation on {evaluation}: the decision may come as late as {decision} "
        "and the certificate about {certificate}. File earlier, or plan for a later evaluation."
    ).format(**dates)


def timeline_chart(plan: brands.ProtectionPlan) -> Figure:
    """Draw each step as a bar from its start to its latest end, with the OCOP evaluation as a line."""
    steps = plan.timeline.phases[::-1]
    figure = Figure(figsize=(8, 1.4 + 0.6 * len(steps)))
    axes = figure.subplots()
    for position, step in enumerate(steps):
        statutory = step.basis == brands.STATUTORY
        start, end = mdates.date2num(step.start), mdates.date2num(step.end)
        axes.barh(
            position,
            end - start,
            left=start,
            height=0.6,
            hatch=None if statutory else "//",
            color=STATUTORY_COLOUR if statutory else "white",
            edgecolor=STATUTORY_COLOUR if statutory else TYPICAL_COLOUR,
        )
        axes.text(end + 6, position, brands.format_date(step.end), va="center", fontsize="small")
    axes.set_yticks(range(len(steps)), [textwrap.fill(step.label, LABEL_WIDTH) for step in steps], fontsize="small")
    handles = [Patch(color=STATUTORY_COLOUR, label=_("statutory"))]
    if any(step.basis == brands.TYPICAL for step in steps):
        handles.append(Patch(facecolor="white", edgecolor=TYPICAL_COLOUR, hatch="//", label=_("typical in practice")))
    if plan.evaluation_date is not None:
        axes.axvline(mdates.date2num(plan.evaluation_date), color=EVALUATION_COLOUR, linestyle="--")
        handles.append(Patch(color=EVALUATION_COLOUR, label=_("OCOP evaluation date")))
    axes.xaxis_date()
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))
    axes.margins(x=0.12)
    axes.set_title(
        _("{kind} filed on {date}: each step by its latest date").format(
            kind=plan.timeline.kind.label, date=brands.format_date(plan.timeline.filing_date)
        )
    )
    axes.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize="small")
    return figure
