"""Post-harvest loss calculator: the kilograms and money lost at each stage, and whether a fix pays.

A thin layer over :mod:`ocopkit.postharvest`: the boxes collect the harvest,
the price, each stage's loss rate and one intervention (crates, a cold room,
a dryer, or your own); ``postharvest.assess_intervention`` does the work, and
the widget shows the losses stage by stage, what the intervention saves each
year, its payback, and a chart of the kilograms lost at each stage now and
with the intervention.

Examples
--------
>>> from ocopkit.widgets.postharvest import PostHarvestLossCalculator
>>> tool = PostHarvestLossCalculator("TL")        # the dragon-fruit chain of the course data
>>> tool.set_stages({"Thu hoạch": 0.02, "Vận chuyển": 0.10})
>>> tool.result.before.delivered                   # doctest: +SKIP
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w
from matplotlib.figure import Figure

from .. import postharvest
from ..errors import InputError
from ..i18n import _, format_money, format_number, format_percent
from .common import figures_table, message_html, text_export
from .inputs import FormTool, LiveChart, caption_html, choice_box, number_box, plain_number, text_box

NOW_COLOUR, AFTER_COLOUR = "#E69F00", "#0072B2"  # Okabe–Ito, colour-blind safe
OWN_MEASURE = -1  # the drop-down value for "my own intervention"
_MILLION = 1e6


def _millions(amount: float) -> str:
    """An amount of đồng in millions, short enough for a chart label."""
    return _("{amount} million VND").format(amount=format_number(amount / _MILLION, 1))


class StageLossChart(LiveChart):
    """Kilograms lost at each stage, now and with the intervention, as pairs of bars updated in place."""

    size = (6.4, 2.6)

    def shape_of(self, result: postharvest.InterventionResult) -> tuple:
        """The stages' names: the rows of the chart."""
        return tuple(stage.name for stage in result.before.stages)

    def build(self, result: postharvest.InterventionResult) -> None:
        """Two bars per stage, first stage on top, and one label per stage; no axes.

        Every tick label or word matplotlib lays out costs milliseconds on each
        update, so each stage has a single label (its name and the value lost)
        and the title and key are HTML above the image.
        """
        axes, rows = self.axes, range(len(self.shape))
        self.figure.set_size_inches(self.size[0], 0.8 + 0.42 * len(self.shape))
        positions = [len(self.shape) - 1 - row for row in rows]
        self.now = axes.barh([p + 0.2 for p in positions], [0] * len(rows), height=0.38, color=NOW_COLOUR)
        self.after = axes.barh([p - 0.2 for p in positions], [0] * len(rows), height=0.38, color=AFTER_COLOUR)
        self.labels = [axes.text(0, p, "", va="center", fontsize="small") for p in positions]
        axes.axvline(0, color="#555555", linewidth=0.8)
        axes.set_ylim(-0.6, len(self.shape) - 0.4)
        axes.set_axis_off()

    def update(self, result: postharvest.InterventionResult) -> Figure:
        """Set each stage's two bars, and label them with the stage's name and the value it loses now."""
        widest = max(max(s.kg_lost for s in result.before.stages), max(s.kg_lost for s in result.after.stages))
        for row, (now, after) in enumerate(zip(result.before.stages, result.after.stages)):
            self.now.patches[row].set_width(now.kg_lost)
            self.after.patches[row].set_width(after.kg_lost)
            self.labels[row].set_x(max(now.kg_lost, after.kg_lost) + widest * 0.02)
            self.labels[row].set_text(f"{now.name}: {_millions(now.value_lost)}")
        self.axes.set_xlim(0, (widest or 1) * 2.1)
        return self.figure

    def caption_html(self, result: postharvest.InterventionResult) -> str:
        """Title and colour key."""
        return caption_html(
            html.escape(
                _("Kilograms lost at each stage, now and with the intervention; each label gives the value lost now")
            ),
            [("bar", NOW_COLOUR, html.escape(_("now"))), ("bar", AFTER_COLOUR, html.escape(result.intervention.name))],
        )


def stage_loss_chart(result: postharvest.InterventionResult) -> Figure:
    """Draw the chart of a result once (the widget updates one in place instead)."""
    return StageLossChart(result).update(result)


class PostHarvestLossCalculator(FormTool):
    """Work out what a chain loses at each stage, and what one intervention saves and when it pays back.

    Use it with a cooperative: type the harvest, the selling price and the
    share lost at each stage (in per cent of what arrives there), then choose
    an intervention from the list, or type your own, and read how many more
    kilograms reach the buyer, what they are worth and how soon the investment
    pays back.

    Parameters
    ----------
    chain : str
        The course example to start from: ``"TL"`` (dragon fruit), ``"VAI"``
        (lychee), ``"RAU"`` (leafy vegetables) or ``"LUA"`` (paddy rice).
    blank_rows : int
        Empty stage rows below the example's stages, to add a stage; a row
        without a name is left out.

    Raises
    ------
    ocopkit.errors.InputError
        For an unknown example chain; later bad input is shown in the message.

    Attributes
    ----------
    result : ocopkit.postharvest.InterventionResult
        The latest valid result: ``.before`` and ``.after`` (each a
        ``ChainLoss``), ``.kg_saved``, ``.value_saved``, ``.net_saving``,
        ``.payback_years``.
    fields : dict
        The input boxes: ``harvest``, ``price``, ``name_0``, ``rate_0``, …,
        ``measure``, ``stage``, ``new_rate``, ``investment``,
        ``running_cost``, ``life``.

    See Also
    --------
    ocopkit.postharvest.assess_intervention : the logic.
    """

    tool_name = "PostHarvestLossCalculator"
    chart_class = StageLossChart

    def __init__(self, chain: str = "TL", blank_rows: int = 1):
        example = postharvest.example_chain(chain)
        self.presets = list(example.interventions)
        self.rows = len(example.stages) + blank_rows
        fields = self._make_fields(example)
        super().__init__(fields, self._form(fields), _("post-harvest-losses"))

    # -- boxes ----------------------------------------------------------------------
    def _make_fields(self, example: postharvest.ExampleChain) -> dict[str, w.Widget]:
        """Create the boxes, filled with the example chain and its first intervention."""
        fields = {
            "product": text_box(_("Product"), example.product),
            "harvest": number_box(_("Harvest per year"), "kg", plain_number(example.harvest)),
            "price": number_box(_("Selling price"), _("VND/kg"), plain_number(example.price)),
        }
        stages = list(example.stages) + [None] * (self.rows - len(example.stages))
        for row, stage in enumerate(stages):
            fields[f"name_{row}"] = w.Text(
                stage.name if stage else "",
                placeholder=_("Stage"),
                continuous_update=False,
                layout=w.Layout(width="240px"),
            )
            fields[f"rate_{row}"] = w.Text(
                plain_number(stage.loss_rate * 100) if stage else "",
                continuous_update=False,
                layout=w.Layout(width="110px"),
            )
        choices = [(measure.name, index) for index, measure in enumerate(self.presets)]
        fields["measure"] = choice_box(
            _("Intervention"), choices + [(_("My own intervention"), OWN_MEASURE)], 0 if self.presets else OWN_MEASURE
        )
        fields["stage"] = choice_box(_("Stage it acts on"), self._stage_choices(fields), 0)
        fields["new_rate"] = number_box(_("Loss rate after the change"), "%", "")
        fields["investment"] = number_box(_("Investment"), _("VND"), "0")
        fields["running_cost"] = number_box(_("Running cost per year"), _("VND/year"), "0")
        fields["life"] = number_box(_("Useful life (optional)"), _("years"), "")
        if self.presets:
            self._fill_measure(fields, self.presets[0])
        return fields

    def _form(self, fields: dict[str, w.Widget]) -> w.Widget:
        """Three sections: the chain, its stages, the intervention; all open."""
        header = w.HBox(
            [
                w.HTML(f"<b>{html.escape(_('Stage'))}</b>", layout=w.Layout(width="240px")),
                w.HTML(f"<b>{html.escape(_('Loss rate (%)'))}</b>", layout=w.Layout(width="110px")),
            ]
        )
        rows = [w.HBox([fields[f"name_{row}"], fields[f"rate_{row}"]]) for row in range(self.rows)]
        hint = w.HTML(
            "<i>"
            + html.escape(
                _(
                    "A loss rate is the share of what arrives at the stage that is lost "
                    "there. Leave a row empty to skip it."
                )
            )
            + "</i>"
        )
        measure = [fields[name] for name in ("measure", "stage", "new_rate", "investment", "running_cost", "life")]
        sections = [
            (_("The chain"), [fields["product"], fields["harvest"], fields["price"]]),
            (_("Stages and their losses"), [header, *rows, hint]),
            (_("An intervention"), measure),
        ]
        return w.VBox([w.VBox([w.HTML(f"<b>{html.escape(title)}</b>"), *boxes]) for title, boxes in sections])

    def _stage_choices(self, fields: dict | None = None) -> list[tuple[str, int]]:
        """The stage rows as drop-down options; a row without a name says so."""
        fields = fields or self.fields
        return [
            (fields[f"name_{row}"].value.strip() or _("Row {number} (no name yet)").format(number=row + 1), row)
            for row in range(self.rows)
        ]

    def _fill_measure(self, fields: dict, measure: postharvest.Intervention) -> None:
        """Put a preset intervention into the boxes."""
        names = [fields[f"name_{row}"].value.strip() for row in range(self.rows)]
        if measure.stage in names:
            fields["stage"].value = names.index(measure.stage)
        fields["new_rate"].value = plain_number(measure.new_rate * 100)
        fields["investment"].value = plain_number(measure.investment)
        fields["running_cost"].value = plain_number(measure.running_cost)
        fields["life"].value = "" if measure.life_years is None else plain_number(measure.life_years)

    # -- values from Python -------------------------------------------------------------
    def set_stages(self, stages) -> None:
        """Replace the stages from Python: ``{name: rate}`` with rates as fractions, pairs, or a table.

        Stages that do not fit the rows, or a wrong rate, are reported in the
        message and change nothing.
        """
        try:
            checked = postharvest.check_stages(stages)
            if len(checked) > self.rows:
                raise InputError(
                    _(
                        "This calculator has {rows} stage rows, you gave {count} stages. Make one "
                        "with more rows: PostHarvestLossCalculator(blank_rows={extra})."
                    ).format(rows=self.rows, count=len(checked), extra=len(checked) - self.rows + 1),
                    "stages",
                )
        except InputError as error:
            self.message.value = message_html(str(error))
            return
        values = {}
        for row in range(self.rows):
            stage = checked[row] if row < len(checked) else None
            values[f"name_{row}"] = stage.name if stage else ""
            values[f"rate_{row}"] = plain_number(stage.loss_rate * 100) if stage else ""
        # The intervention keeps its stage when the new chain has it, else acts on the first stage.
        names = [stage.name for stage in checked]
        current = self.text(f"name_{self.fields['stage'].value}")
        values["stage"] = names.index(current) if current in names else 0
        self.set_inputs(values)

    def choose_intervention(self, choice) -> None:
        """Choose a preset intervention by its position or its name and fill its boxes; unknown ones are reported."""
        names = [measure.name for measure in self.presets]
        index = names.index(choice) if choice in names else choice
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(self.presets):
            self.message.value = message_html(
                _("There is no intervention {choice!r}. Choose one of: {known}.").format(
                    choice=choice, known=", ".join(names)
                )
            )
            return
        self.fields["measure"].value = index

    # -- logic ----------------------------------------------------------------------
    def compute(self) -> postharvest.InterventionResult:
        """Read the boxes and assess the intervention through :mod:`ocopkit.postharvest`."""
        harvest = self.number("harvest", _("Harvest per year"))
        price = self.number("price", _("Selling price"))
        stages = self._stages()
        row = self.fields["stage"].value
        stage = self.text(f"name_{row}")
        if not stage:
            raise InputError(
                _(
                    "The intervention acts on row {number}, which has no stage name: choose a stage or type its name."
                ).format(number=row + 1),
                "stage",
            )
        measure = postharvest.Intervention(
            self.fields["measure"].label,
            stage,
            self._rate("new_rate", _("Loss rate after the change")),
            self.number("investment", _("Investment")),
            self.number("running_cost", _("Running cost per year")),
            self.number("life", _("Useful life")) if self.text("life") else None,
        )
        return postharvest.assess_intervention(harvest, stages, price, measure)

    def _stages(self) -> list[tuple[str, float]]:
        """(name, rate) of every row with a name; a rate without a name is an error."""
        stages = []
        for row in range(self.rows):
            name, rate = self.text(f"name_{row}"), self.text(f"rate_{row}")
            if not name and rate:
                raise InputError(
                    _("Row {number} has a loss rate but no stage name.").format(number=row + 1), f"name_{row}"
                )
            if name:
                stages.append((name, self._rate(f"rate_{row}", _("Loss rate of {stage}").format(stage=name))))
        return stages

    def _rate(self, name: str, label: str) -> float:
        """A box in per cent, read as a fraction from 0 to 0.9."""
        return self.percent(name, label, 0, 100 * postharvest.MAX_STAGE_LOSS)

    # -- refresh ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Keep the stage list of the intervention in step with the names, then recompute."""
        if not self._holding:
            self._sync_stage_choices()
        super().refresh()

    def _sync_stage_choices(self) -> None:
        """Relabel the stage drop-down when names change, keeping the chosen row."""
        box, choices = self.fields["stage"], self._stage_choices()
        if list(box.options) == choices:
            return
        chosen, self._holding = box.value, True
        try:
            box.options = choices
            box.value = chosen
        finally:
            self._holding = False

    def _on_change(self, change) -> None:
        """A preset chosen in the list fills the intervention's boxes first."""
        if change["owner"] is self.fields["measure"] and not self._holding and change["new"] != OWN_MEASURE:
            self._holding = True
            try:
                self._fill_measure(self.fields, self.presets[change["new"]])
            finally:
                self._holding = False
        self.refresh()

    # -- display ----------------------------------------------------------------------
    def summary_html(self, result: postharvest.InterventionResult) -> str:
        """The chain's losses, a table of the stages, then what the intervention saves and its payback."""
        return chain_html(result.before) + stages_html(result) + intervention_html(result)

    # -- exports ----------------------------------------------------------------------
    def to_csv(self, path: str | Path | None = None) -> str:
        """Return the stage table, now and with the intervention, as CSV; with ``path``, also write it.

        See Also
        --------
        ocopkit.postharvest.losses_to_csv
        """
        return postharvest.losses_to_csv(self.result, path)

    def to_markdown(self, path: str | Path | None = None) -> str:
        """Return the losses and the intervention as a Markdown section; with ``path``, also write it.

        See Also
        --------
        ocopkit.postharvest.losses_to_markdown
        """
        return text_export(postharvest.losses_to_markdown(self.result, self.text("product")), path)


# --------------------------------------------------------------------------- display helpers


def chain_html(chain: postharvest.ChainLoss) -> str:
    """The harvest, what reaches the buyer, what is lost and the stage that loses most."""
    worst = chain.worst_stage
    return figures_table(
        [
            (_("Harvested"), f"{format_number(chain.harvest, 0)} kg"),
            (_("Reaches the buyer"), f"{format_number(chain.delivered, 0)} kg ({format_percent(1 - chain.loss_rate)})"),
            (_("Lost along the chain"), f"{format_number(chain.lost, 0)} kg ({format_percent(chain.loss_rate)})"),
            (_("Value lost"), format_money(chain.value_lost)),
            (
                _("Stage that loses the most"),
                _("{stage}: {kg} kg, {share} of all losses").format(
                    stage=html.escape(worst.name),
                    kg=format_number(worst.kg_lost, 0),
                    share=format_percent(chain.share_of_losses(worst)),
                ),
            ),
        ]
    )


def stages_html(result: postharvest.InterventionResult) -> str:
    """One row per stage: rate, kilograms lost, value lost, and kilograms lost with the intervention."""
    titles = (_("Stage"), _("Loss rate"), _("kg lost"), _("Value lost"), _("kg lost with the intervention"))
    head = "".join(f"<th>{html.escape(title)}</th>" for title in titles)
    body = "".join(
        f"<tr><td>{html.escape(now.name)}</td><td>{format_percent(now.loss_rate)}</td>"
        f"<td>{format_number(now.kg_lost, 0)}</td><td>{format_money(now.value_lost)}</td>"
        f"<td>{format_number(after.kg_lost, 0)}</td></tr>"
        for now, after in zip(result.before.stages, result.after.stages)
    )
    return f"<table style='margin-top:0.6em'><tr>{head}</tr>{body}</table>"


def intervention_html(result: postharvest.InterventionResult) -> str:
    """What the intervention saves each year, its net benefit and its payback."""
    measure = result.intervention
    rows = [
        (_("More kg reaching the buyer per year"), f"{format_number(result.kg_saved, 0)} kg"),
        (_("Extra sales per year"), format_money(result.value_saved)),
        (_("Running cost per year"), format_money(measure.running_cost)),
        (_("Net benefit per year"), format_money(result.net_saving)),
        (_("Investment"), format_money(measure.investment)),
        (_("Payback"), postharvest.payback_text(result.payback_years)),
    ]
    heading = _("With: {measure} ({stage} from {before} to {after})").format(
        measure=measure.name,
        stage=measure.stage,
        before=format_percent(result.before.stage(measure.stage).loss_rate),
        after=format_percent(measure.new_rate),
    )
    return f"<p style='margin-top:0.6em'><b>{html.escape(heading)}</b></p>{figures_table(rows)}" + life_html(result)


def life_html(result: postharvest.InterventionResult) -> str:
    """Whether it pays back before it wears out (nothing when no life is given)."""
    within = result.pays_back_within_life
    if within is None:
        return ""
    years = format_number(result.intervention.life_years, 0)
    if within:
        return message_html(_("It pays back within its useful life of {years} years.").format(years=years), "ok")
    return message_html(_("It does not pay back within its useful life of {years} years.").format(years=years), "info")
