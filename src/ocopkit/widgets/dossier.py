"""Dossier checklist: choose the product group, the producer and the case, tick what is ready.

A thin layer over :mod:`ocopkit.dossier`: the boxes only collect the case, the
documents ticked as ready, the dates and the self-assessed points;
``dossier.plan`` does the checking, and the widget lists what is missing, what
the sources leave open, the dates that matter (submission deadline, notice,
expiry) on a timeline, and the level that will rate the product.

Examples
--------
>>> from ocopkit.widgets.dossier import DossierChecklist
>>> tool = DossierChecklist(group=1, producer="hop_tac_xa", status="danh_gia_lai", issued="2023-05-18",
...                         deadline="2026-03-31", today="2026-01-10")
>>> tool.set_submitted(["phieu_dang_ky_da_co", "phuong_an_kinh_doanh"])
>>> sorted(tool.result.checklist.missing)
['bao_cao_danh_gia_lai', 'dang_ky_kinh_doanh', 'gioi_thieu_bo_may', 'san_pham_mau']
"""

from __future__ import annotations

import html

import ipywidgets as w
import matplotlib.dates as mdates
from matplotlib.figure import Figure

from .. import dossier, programme
from ..dates import format_date
from ..errors import InputError, check_whole
from ..i18n import _, format_number
from .base import Tool
from .common import figure_png, message_html
from .inputs import plain_number

VALID_COLOUR, NOTICE_COLOUR, DEADLINE_COLOUR, TODAY_COLOUR = "#009E73", "#E69F00", "#0072B2", "#555555"


class DossierChecklist(Tool):
    """Interactive checklist of an OCOP dossier, with its dates and who rates it.

    Parameters
    ----------
    group : int
        Product group, 1 (food) to 6 (tourism services).
    producer : str
        One of ``dossier.PRODUCER_CODES``, e.g. ``"hop_tac_xa"``.
    status : str
        ``"san_pham_moi"`` (new product), ``"san_pham_da_co"`` (already on the
        market) or ``"danh_gia_lai"`` (re-rating).
    submitted : iterable of str
        Codes of the documents already ready (the ``ma_muc`` column).
    issued : date-like, optional
        Date of the current certificate; used for re-rating.
    deadline : date-like, optional
        Submission deadline of the province's or commune's plan.
    points : int
        Self-assessed total, 0 to 100, to say who will rate it.
    today : date-like, optional
        The day to count from; today when omitted (tests fix it).

    Raises
    ------
    ocopkit.errors.InputError
        When a starting value is wrong; later bad input is shown in the message
        and the last valid result is kept.

    Attributes
    ----------
    result : ocopkit.dossier.DossierPlan
        The latest valid plan; a notebook can read it.
    group, producer, status, issued, deadline, points : ipywidgets.Widget
        The inputs.
    checkboxes, labels : dict
        One ``Checkbox`` and one ``HTML`` name per document of the current case, keyed by code.

    See Also
    --------
    ocopkit.dossier.plan : the logic.
    """

    tool_name = "dossier_checklist"

    def __init__(
        self,
        group: int = 1,
        producer: str = "hop_tac_xa",
        status: str = dossier.NEW,
        submitted=(),
        issued=None,
        deadline=None,
        points: int = 60,
        today=None,
    ):
        points = check_whole(points, "points", _("Self-assessed points"), 0, 100)
        first = dossier.plan(group, producer, status, submitted, issued, deadline, today, points)
        self._ticked, self._chart_key, self._listed = set(first.checklist.submitted), None, None
        fields = self._make_inputs(first, points)
        self.counts = w.HTML()
        self.checkboxes: dict[str, w.Checkbox] = {}
        self.labels: dict[str, w.HTML] = {}
        self._rows: dict[str, w.HBox] = {}
        self.mandatory_box, self.evidence_box = w.VBox(), w.VBox()
        super().__init__(self._inputs, fields=fields)
        self.chart.layout.max_width = "760px"
        self._accept(first)

    def _arrange(self, inputs: w.Widget) -> list[w.Widget]:
        """Inputs, message, counts, the two lists of documents, the summary, then the dates."""
        chart_heading = w.HTML("<b>" + html.escape(_("The dates that matter")) + "</b>")
        documents = w.HBox([self.mandatory_box, self.evidence_box])
        return [inputs, self.message, self.counts, documents, self.summary, chart_heading, self.chart]

    # ------------------------------------------------------------------ layout

    def _make_inputs(self, first: dossier.DossierPlan, points: int) -> dict[str, w.Widget]:
        """Dropdowns for the case, date pickers and a points slider, keyed by the logic's field names."""
        style, layout = {"description_width": "220px"}, w.Layout(width="560px")
        case = first.checklist
        self.group = w.Dropdown(
            options=[(f"{g.number}. {g.name}", g.number) for g in programme.product_groups()],
            value=case.group,
            description=_("Product group"),
            style=style,
            layout=layout,
        )
        self.producer = w.Dropdown(
            options=[(p.label, p.code) for p in dossier.PRODUCER_KINDS],
            value=case.producer,
            description=_("Kind of producer"),
            style=style,
            layout=layout,
        )
        self.status = w.Dropdown(
            options=[(dossier.status_label(s), s) for s in dossier.STATUSES],
            value=case.status,
            description=_("Case"),
            style=style,
            layout=layout,
        )
        certificate = first.certificate
        self.issued = w.DatePicker(
            value=None if certificate is None else certificate.issued.date(),
            description=_("Certificate issued on"),
            style=style,
        )
        self.deadline = w.DatePicker(
            value=None if first.deadline is None else first.deadline.date(),
            description=_("Submission deadline (plan)"),
            style=style,
        )
        self.points = w.IntSlider(
            points, 0, 100, description=_("Self-assessed points"), style=style, layout=layout, continuous_update=False
        )
        self._inputs = w.VBox([self.group, self.producer, self.status, self.issued, self.deadline, self.points])
        return {
            "group": self.group,
            "producer": self.producer,
            "status": self.status,
            "issued": self.issued,
            "deadline": self.deadline,
            "points": self.points,
        }

    def _fill_checklist(self, case: dossier.Checklist) -> None:
        """One tick box per document of the case; ticks follow what is ready."""
        with self._hold():
            self.checkboxes, self.labels = {}, {}
            self.mandatory_box.children = (
                self._section(_("Mandatory documents"), dossier.in_file_order(case.required - case.for_sale))
                + self._section(
                    _("Conditions to sell the product at all (food safety, labels)"),
                    dossier.in_file_order(case.for_sale),
                )
                + self._section(
                    _("Ask the commune: the sources leave these open"), dossier.in_file_order(case.to_check)
                )
            )
            self.evidence_box.children = self._section(
                _("Evidence that earns points"), dossier.in_file_order(case.evidence)
            )
        self._listed = (case.required, case.to_check)

    def _section(self, title: str, codes: list[str]) -> tuple[w.Widget, ...]:
        """A heading and one tick box per document, or nothing when there are none."""
        if not codes:
            return ()
        rows = [w.HTML("<b>" + html.escape(title) + "</b>")]
        for code in codes:
            if code not in self._rows:  # made once per document: creating widgets costs more than showing them
                self._rows[code] = self._row(code)
            row = self._rows[code]
            box, label = row.children
            box.value = code in self._ticked
            self.checkboxes[code], self.labels[code] = box, label
            rows.append(row)
        return tuple(rows)

    def _row(self, code: str) -> w.HBox:
        """A tick box and the document's name; the name sits in its own HTML so long names wrap, not cut."""
        box = w.Checkbox(False, indent=False, layout=w.Layout(width="28px"))
        box.observe(lambda change: self._on_tick(code, change["new"]), names="value")
        label = w.HTML(html.escape(_item_text(dossier.get_item(code))), layout=w.Layout(width="340px"))
        return w.HBox([box, label])

    # ------------------------------------------------------------------ values

    def submitted(self) -> frozenset[str]:
        """Return the codes of the documents ticked as ready (also those the current case does not list)."""
        return frozenset(self._ticked)

    def set_submitted(self, codes) -> None:
        """Tick the documents that are ready from Python; unknown codes are reported and change nothing."""
        try:
            given = dossier.check_submitted(codes)
        except InputError as error:
            self._show_message(str(error))
            return
        self._ticked = set(given)
        with self._hold():
            for code, box in self.checkboxes.items():
                box.value = code in given
        self.refresh()

    def set_case(self, group=None, producer: str | None = None, status: str | None = None) -> None:
        """Change the group, the kind of producer or the case from Python; a wrong value is reported."""
        try:
            values = (
                dossier.check_group(self.group.value if group is None else group),
                dossier.get_producer(self.producer.value if producer is None else producer).code,
                dossier.check_status(self.status.value if status is None else status),
            )
        except InputError as error:
            self._show_message(str(error))
            return
        with self._hold():
            self.group.value, self.producer.value, self.status.value = values
        self.refresh()

    def set_issued(self, value) -> None:
        """Set the certificate date from Python: ``"2023-05-18"``, ``"18/05/2023"`` or a date."""
        self._set_date(self.issued, value, "issued", _("Certificate date"))

    def set_deadline(self, value) -> None:
        """Set the submission deadline from Python; None removes it."""
        if value is None:
            self.deadline.value = None
            return
        self._set_date(self.deadline, value, "deadline", _("Submission deadline"))

    # ------------------------------------------------------------------ results

    def compute(self) -> dossier.DossierPlan:
        """Check the case, the ticked documents, the dates and the points, counting from the same day."""
        return dossier.plan(
            self.group.value,
            self.producer.value,
            self.status.value,
            self._ticked,
            self.issued.value,
            self.deadline.value,
            self.result.today,
            self.points.value,
        )

    def summary_html(self, result: dossier.DossierPlan) -> str:
        """The dates, who rates, the evidence still missing and what the sources leave open."""
        return summary_html(result)

    def chart_figure(self, result: dossier.DossierPlan) -> Figure:
        """The certificate's dates, drawn anew: their number and order change with the case."""
        return timeline_chart(result)

    def _display(self, result: dossier.DossierPlan) -> None:
        """The checklist (rebuilt when the case needs other documents), counts, summary and dates."""
        case = result.checklist
        if (case.required, case.to_check) != self._listed:
            self._fill_checklist(case)
        self.issued.disabled = case.status != dossier.RE_RATING
        self.counts.value = counts_html(case)
        self.summary.value = self.summary_html(result)
        key = (result.certificate, result.deadline, result.today)
        if key != self._chart_key:  # a chart costs more than the rest: only when the dates changed
            self.chart.value = figure_png(self.chart_figure(result))
            self._chart_key = key

    def _on_tick(self, code: str, ticked: bool) -> None:
        (self._ticked.add if ticked else self._ticked.discard)(code)
        self.refresh()


def _item_text(item: dossier.DossierItem) -> str:
    """A document's name with its form number, e.g. "Business plan for the product (Biểu số 03)"."""
    return f"{item.name} ({item.form})" if item.form else item.name


def _names(codes) -> str:
    """The names of documents, in the sources' order, separated by semicolons."""
    return "; ".join(dossier.item_names(codes))


def counts_html(case: dossier.Checklist) -> str:
    """Say how many mandatory documents and pieces of evidence are ready."""
    ready = len(case.present)
    if case.complete:
        line = _("All {total} mandatory documents are ready.").format(total=len(case.required))
        kind = "ok"
    else:
        line = _("{ready} of {total} mandatory documents ready; missing: {names}.").format(
            ready=ready, total=len(case.required), names=_names(case.missing)
        )
        kind = "error"
    evidence = _("{ready} of {total} pieces of evidence ready.").format(
        ready=len(case.evidence_present), total=len(case.evidence)
    )
    return message_html(line, kind) + f"<i>{html.escape(evidence)}</i>"


def summary_html(result: dossier.DossierPlan) -> str:
    """Return the dates, who rates, the evidence still missing and what the sources leave open."""
    case = result.checklist
    lines = [dates_text(result), rating_text(result.rating)]
    if case.evidence_missing:
        lines.append(
            _("Evidence still missing, each can earn points: {names}.").format(names=_names(case.evidence_missing))
        )
    if case.not_needed:
        lines.append(_("Ticked but not used in this case: {names}.").format(names=_names(case.not_needed)))
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
    notes = "".join(f"<li>{html.escape(note)}</li>" for note in dossier.open_questions(case))
    heading = html.escape(_("What the sources do not say"))
    return f"{paragraphs}<p><b>{heading}</b></p><ul style='font-size:smaller'>{notes}</ul>"


def dates_text(result: dossier.DossierPlan) -> str:
    """Say the deadline, the days left and, for re-rating, the notice and expiry dates."""
    parts = []
    if result.deadline is not None:
        days = result.days_to_deadline
        template = (
            _("Submission deadline {date}: {days} days from today.")
            if days >= 0
            else _("Submission deadline {date} passed {days} days ago: ask the commune for the next round.")
        )
        parts.append(template.format(date=format_date(result.deadline), days=format_number(abs(days))))
    certificate = result.certificate
    if certificate is not None:
        parts.append(
            _(
                "The certificate of {issued} expires on {expiry}; the body that issued it notifies you by "
                "{notice} at the latest."
            ).format(
                issued=format_date(certificate.issued),
                expiry=format_date(certificate.expiry),
                notice=format_date(certificate.notice_by),
            )
        )
    if result.in_time is False:
        parts.append(
            _(
                "This deadline is after the expiry: the product stops being an OCOP product until it is "
                "re-rated. Ask for an earlier round."
            )
        )
    return " ".join(parts)


def rating_text(rating: dossier.Rating | None) -> str:
    """Say the stars of the self-assessed points and which level approves them."""
    if rating is None:
        return ""
    if rating.level is None:
        return _("{points} points: {stars}★, not recognised as an OCOP product (3★ needs 50 points).").format(
            points=plain_number(rating.points), stars=rating.stars
        )
    text = _("{points} points: {stars}★. Under Decision {scheme} the {level} approves it.").format(
        points=plain_number(rating.points),
        stars=rating.stars,
        scheme=dossier.decision_name(rating.scheme),
        level=dossier.level_label(rating.level),
    )
    if rating.scheme == "1489/2025":
        text += " " + _("The commune People's Committee first checks the dossier and the local criteria.")
    return text


def timeline_chart(result: dossier.DossierPlan) -> Figure:
    """Draw the certificate's 36 months as a bar, with today, the notice date and the deadline as lines.

    Each line carries its own label and date, so the chart has no axes and no title (the widget puts the
    heading above it): tick labels and titles would cost most of a redraw.
    """
    marks = [(result.today, TODAY_COLOUR, _("today"))]
    certificate = result.certificate
    if certificate is not None:
        marks += [
            (certificate.notice_by, NOTICE_COLOUR, _("notice by")),
            (certificate.expiry, VALID_COLOUR, _("expiry")),
        ]
    if result.deadline is not None:
        marks.append((result.deadline, DEADLINE_COLOUR, _("submission deadline")))
    marks.sort(key=lambda mark: mark[0])
    figure = Figure(figsize=(7, 0.7 + 0.3 * len(marks)))
    axes = figure.subplots()
    days = [mdates.date2num(day) for day, _colour, _label in marks]
    if certificate is not None:
        start, end = mdates.date2num(certificate.issued), mdates.date2num(certificate.expiry)
        axes.barh(0, end - start, left=start, height=0.6, color=VALID_COLOUR)
        valid = _("certificate of {date}, valid 36 months").format(date=format_date(certificate.issued))
        axes.text(start, 0, " " + valid, color="white", va="center", fontsize="small")
        days.append(start)
    middle = (min(days) + max(days)) / 2
    # One row per date, so labels of close dates never overlap; each label sits on the side with room.
    for row, (day, colour, label) in enumerate(marks, start=1):
        x = mdates.date2num(day)
        axes.vlines(x, -row, 0.4, colors=colour, linestyles="--")
        axes.text(
            x,
            -row,
            f" {label} {format_date(day)} ",
            color=colour,
            fontsize="small",
            va="center",
            ha="right" if x > middle else "left",
        )
    axes.set_ylim(-len(marks) - 0.5, 0.5)
    axes.set_xlim(min(days) - 30, max(days) + 30)
    axes.set_axis_off()
    return figure
