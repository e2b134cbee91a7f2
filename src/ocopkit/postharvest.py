"""Post-harvest losses along a supply chain: where produce is lost, what it costs, and whether a fix pays.

A cooperative's produce passes through stages (harvest, sorting, packing,
transport, storage, retail) and some of it is lost at each one. This module
does the arithmetic a cooperative manager or an OCOP officer needs to decide
where to act first; the judgement (is the figure right, can we run a cold
room?) stays with them.

How the arithmetic works
------------------------
Loss rate of a stage
    The share of what *arrives* at the stage that is lost there, as a
    fraction: ``0.07`` for 7 %. Rates above 90 % are refused, so that a
    participant who types ``7`` for 7 % is told to write ``0.07``.
Losses compound
    What leaves a stage is what arrived times ``1 - rate``, so after every
    stage ``harvest × (1 - r1) × (1 - r2) × …`` is left. The chain's loss rate,
    ``1 - (1 - r1)(1 - r2)…``, is *less* than the sum of the rates: each stage
    loses a share of what is left, not of the harvest.
Value
    Every kilogram lost is a kilogram not sold at the selling price, so value
    lost = kilograms lost × price (đồng per kg).
An intervention
    lowers the rate of one stage (plastic crates for transport, a cold room
    for storage, a dryer for paddy). The stages after it still take their share
    of the produce it saves, so the buyer gets
    ``delivered now × (1 - new rate) / (1 - old rate)``: fewer extra kilograms
    than the stage itself saves.
Payback
    ``investment / (value saved per year - running cost per year)``, in years.
    When the running cost eats all the saving the intervention never pays
    back, and the payback is ``None``.

Examples
--------
>>> from ocopkit import postharvest
>>> chain = postharvest.chain_losses(10_000, {"Thu hoạch": 0.04, "Vận chuyển": 0.08}, price=25_000)
>>> round(chain.delivered, 1), round(chain.loss_rate, 4)
(8832.0, 0.1168)
>>> fix = postharvest.Intervention("Sọt nhựa", "Vận chuyển", new_rate=0.03, investment=20_000_000)
>>> result = postharvest.assess_intervention(10_000, {"Thu hoạch": 0.04, "Vận chuyển": 0.08}, 25_000, fix)
>>> round(result.kg_saved, 1), round(result.payback_years, 2)
(480.0, 1.67)

See Also
--------
ocopkit.widgets.postharvest.PostHarvestLossCalculator : the interactive calculator.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from . import datasets
from .errors import InputError, check_non_negative, check_positive, check_rate
from .i18n import _, format_money, format_number, format_percent
from .spreadsheet import rows_csv

MAX_STAGE_LOSS = 0.9
# Column names of the tables, the same as in the course datasets and exercises.
STAGE_COLUMN, RATE_COLUMN = "cong_doan", "ty_le_ton_that"
IN_COLUMN, LOST_COLUMN, OUT_COLUMN = "kg_vao", "kg_mat", "kg_con_lai"
VALUE_COLUMN, SHARE_COLUMN = "gia_tri_mat", "ty_trong_mat"
MEASURE_COLUMN, BEFORE_COLUMN, AFTER_COLUMN = "bien_phap", "ty_le_truoc", "ty_le_sau"
KG_GAINED_COLUMN, VALUE_GAINED_COLUMN = "kg_them", "tien_them_nam"
RUNNING_COLUMN, NET_COLUMN = "chi_phi_hang_nam", "loi_ich_rong_nam"
INVESTMENT_COLUMN, PAYBACK_COLUMN, LIFE_COLUMN = "chi_phi_dau_tu", "hoan_von_nam", "tuoi_tho_nam"


# --------------------------------------------------------------------------- stages


@dataclass(frozen=True)
class Stage:
    """One stage of a supply chain.

    Attributes
    ----------
    name : str
        What the stage is called, e.g. ``"Vận chuyển"``.
    loss_rate : float
        Share of what arrives at the stage that is lost there (0.07 for 7 %).
    """

    name: str
    loss_rate: float


def _stage_pairs(stages) -> list[tuple]:
    """(name, rate) pairs from a mapping, Stage objects, pairs or a table."""
    if isinstance(stages, pd.DataFrame):
        return [(stage.name, stage.loss_rate) for stage in stages_from_table(stages)]
    if isinstance(stages, Mapping):
        return list(stages.items())
    if isinstance(stages, str):
        raise InputError(
            _("Give the stages as pairs of a name and a loss rate, for example {example}.").format(
                example='{"Vận chuyển": 0.07}'
            ),
            "stages",
        )
    pairs = []
    for stage in stages:
        if isinstance(stage, Stage):
            pairs.append((stage.name, stage.loss_rate))
        elif isinstance(stage, (tuple, list)) and len(stage) == 2:
            pairs.append(tuple(stage))
        else:
            raise InputError(
                _("Give the stages as pairs of a name and a loss rate, for example {example}.").format(
                    example='{"Vận chuyển": 0.07}'
                ),
                "stages",
            )
    return pairs


def _check_name(name, number: int) -> str:
    """A stage's name: text that is not empty."""
    if not isinstance(name, str) or not name.strip():
        raise InputError(
            _('Stage {number} has no name: give it one, such as "Transport".').format(number=number), "stages"
        )
    return name.strip()


def check_stages(stages) -> tuple[Stage, ...]:
    """Return the stages of a chain, checked, in order.

    Parameters
    ----------
    stages : mapping, sequence or pandas.DataFrame
        ``{name: loss rate}``; or ``(name, rate)`` pairs or :class:`Stage`
        objects in chain order; or a table with columns ``cong_doan`` and
        ``ty_le_ton_that``.

    Returns
    -------
    tuple of Stage

    Raises
    ------
    InputError
        When there is no stage, a name is empty or used twice, or a rate is
        not a fraction from 0 to 0.9 (``7`` instead of ``0.07`` is explained).
    """
    pairs = _stage_pairs(stages)
    if not pairs:
        raise InputError(_("Add at least one stage to the chain."), "stages")
    checked, seen = [], set()
    for number, (name, rate) in enumerate(pairs, start=1):
        name = _check_name(name, number)
        if name in seen:
            raise InputError(
                _("Two stages are called {name!r}: give each stage its own name.").format(name=name), "stages"
            )
        seen.add(name)
        label = _("Loss rate of {stage}").format(stage=name)
        checked.append(Stage(name, check_rate(rate, "stages", label, 0, MAX_STAGE_LOSS)))
    return tuple(checked)


def stages_from_table(
    table: pd.DataFrame, name_column: str = STAGE_COLUMN, rate_column: str = RATE_COLUMN
) -> tuple[Stage, ...]:
    """Return the stages of a table with one row per stage, in the table's order.

    Raises
    ------
    InputError
        When a column is missing, or a stage is wrong (see :func:`check_stages`).
    """
    _require_columns(table, (name_column, rate_column))
    return check_stages(list(zip(table[name_column], table[rate_column])))


def _require_columns(table, columns) -> None:
    """Say which columns a table lacks."""
    if not isinstance(table, pd.DataFrame):
        raise InputError(
            _("Give a pandas table (DataFrame), you gave {kind}.").format(kind=type(table).__name__), "table"
        )
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise InputError(_("The table needs the column(s) {columns}.").format(columns=", ".join(missing)), "table")


def compound_loss_rate(rates) -> float:
    """Return the loss rate of a whole chain from the rates of its stages: ``1 - (1 - r1)(1 - r2)…``.

    Parameters
    ----------
    rates : sequence of float
        Loss rates of the stages, as fractions.

    Returns
    -------
    float
        The share of the harvest lost along the chain; less than the sum of the
        rates whenever two or more stages lose something.
    """
    return 1 - math.prod(
        1 - stage.loss_rate
        for stage in check_stages([(str(number), rate) for number, rate in enumerate(rates, start=1)])
    )


# --------------------------------------------------------------------------- a chain


@dataclass(frozen=True)
class StageLoss:
    """What happens to the produce at one stage.

    Attributes
    ----------
    name : str
    loss_rate : float
        Share of what arrives that is lost.
    kg_in, kg_lost, kg_out : float
        Kilograms arriving, lost and leaving for the next stage.
    value_lost : float
        The kilograms lost at the selling price, in đồng.
    """

    name: str
    loss_rate: float
    kg_in: float
    kg_lost: float
    kg_out: float
    value_lost: float


@dataclass(frozen=True, eq=False)
class ChainLoss:
    """The losses of a whole chain, stage by stage.

    Attributes
    ----------
    harvest : float
        Kilograms harvested (per year, or per season: the unit is yours).
    price : float
        Selling price in đồng per kg.
    stages : tuple of StageLoss
        In chain order.
    """

    harvest: float
    price: float
    stages: tuple[StageLoss, ...]

    @property
    def delivered(self) -> float:
        """Kilograms that reach the buyer."""
        return self.stages[-1].kg_out

    @property
    def lost(self) -> float:
        """Kilograms lost along the whole chain."""
        return self.harvest - self.delivered

    @property
    def loss_rate(self) -> float:
        """Share of the harvest lost along the chain."""
        return self.lost / self.harvest

    @property
    def value_lost(self) -> float:
        """What the lost kilograms would have sold for, in đồng."""
        return self.lost * self.price

    @property
    def revenue(self) -> float:
        """What the delivered kilograms sell for, in đồng."""
        return self.delivered * self.price

    @property
    def worst_stage(self) -> StageLoss:
        """The stage that loses the most kilograms (the first one on a tie)."""
        return max(self.stages, key=lambda stage: stage.kg_lost)

    def share_of_losses(self, stage: StageLoss) -> float:
        """The share of all the kilograms lost that one stage loses (0 when the chain loses nothing)."""
        return stage.kg_lost / self.lost if self.lost else 0.0

    def stage(self, name: str) -> StageLoss:
        """Return one stage by its name."""
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise InputError(
            _("There is no stage called {stage!r} in the chain. The stages are: {known}.").format(
                stage=name, known=", ".join(s.name for s in self.stages)
            ),
            "stage",
        )

    def table(self) -> pd.DataFrame:
        """Return one row per stage: rate, kilograms in, lost and out, value lost, share of all losses.

        The columns are ``cong_doan``, ``ty_le_ton_that``, ``kg_vao``,
        ``kg_mat``, ``kg_con_lai``, ``gia_tri_mat`` and ``ty_trong_mat``, as in
        the Topic 6 exercise.
        """
        rows = [
            {
                STAGE_COLUMN: s.name,
                RATE_COLUMN: s.loss_rate,
                IN_COLUMN: s.kg_in,
                LOST_COLUMN: s.kg_lost,
                OUT_COLUMN: s.kg_out,
                VALUE_COLUMN: s.value_lost,
                SHARE_COLUMN: self.share_of_losses(s),
            }
            for s in self.stages
        ]
        return pd.DataFrame(rows)


def chain_losses(harvest, stages, price) -> ChainLoss:
    """Follow the harvest through the chain: kilograms and value lost at each stage.

    Parameters
    ----------
    harvest : float
        Kilograms harvested, greater than zero.
    stages : mapping, sequence or pandas.DataFrame
        The stages in chain order with their loss rates; see :func:`check_stages`.
    price : float
        Selling price in đồng per kg, greater than zero.

    Returns
    -------
    ChainLoss

    Raises
    ------
    InputError
        For a harvest or price that is not a positive number, or a wrong stage.

    See Also
    --------
    assess_intervention : what lowering one stage's loss is worth.
    """
    harvest = check_positive(harvest, "harvest", _("Harvest volume"))
    price = check_positive(price, "price", _("Selling price"))
    results, arriving = [], harvest
    for stage in check_stages(stages):
        lost = arriving * stage.loss_rate
        results.append(StageLoss(stage.name, stage.loss_rate, arriving, lost, arriving - lost, lost * price))
        arriving -= lost
    return ChainLoss(harvest, price, tuple(results))


# --------------------------------------------------------------------------- interventions


@dataclass(frozen=True)
class Intervention:
    """A way to lower the loss at one stage, and what it costs.

    Attributes
    ----------
    name : str
        E.g. ``"Sọt nhựa có lỗ thông hơi"``.
    stage : str
        The stage it acts on, by name.
    new_rate : float
        The stage's loss rate once it is in place.
    investment : float
        What it costs to buy or build, in đồng.
    running_cost : float
        What it costs each year to run (electricity, repairs, labour), in đồng.
    life_years : float, optional
        How many years it lasts.
    """

    name: str
    stage: str
    new_rate: float
    investment: float
    running_cost: float = 0.0
    life_years: float | None = None


@dataclass(frozen=True, eq=False)
class InterventionResult:
    """The chain before and after an intervention, and whether it pays.

    Attributes
    ----------
    intervention : Intervention
        As checked.
    before, after : ChainLoss
        The chain now, and with the intervention in place.
    """

    intervention: Intervention
    before: ChainLoss
    after: ChainLoss

    @property
    def kg_saved(self) -> float:
        """Extra kilograms that reach the buyer."""
        return self.after.delivered - self.before.delivered

    @property
    def value_saved(self) -> float:
        """What the extra kilograms sell for, in đồng (per year when the harvest is per year)."""
        return self.kg_saved * self.before.price

    @property
    def net_saving(self) -> float:
        """Value saved minus the running cost, in đồng per year."""
        return self.value_saved - self.intervention.running_cost

    @property
    def payback_years(self) -> float | None:
        """Years until the net saving has repaid the investment; None when it never does."""
        if self.net_saving <= 0:
            return None
        return self.intervention.investment / self.net_saving

    @property
    def pays_back_within_life(self) -> bool | None:
        """Whether it pays back before it wears out; None when its life is not given."""
        if self.intervention.life_years is None:
            return None
        return self.payback_years is not None and self.payback_years <= self.intervention.life_years


def check_intervention(intervention: Intervention, stages) -> Intervention:
    """Return the intervention with its numbers checked against the chain's stages.

    Raises
    ------
    InputError
        When the stage is not in the chain, the new rate is not a fraction or
        is higher than the stage's rate now, or a cost is negative.
    """
    stages = check_stages(stages)
    name = intervention.name.strip() if isinstance(intervention.name, str) else ""
    name = name or _("The intervention")
    current = {stage.name: stage.loss_rate for stage in stages}
    if intervention.stage not in current:
        raise InputError(
            _("{measure}: there is no stage called {stage!r} in the chain. The stages are: {known}.").format(
                measure=name, stage=intervention.stage, known=", ".join(current)
            ),
            "stage",
        )
    label = _("Loss rate of {stage} after the change").format(stage=intervention.stage)
    new_rate = check_rate(intervention.new_rate, "new_rate", label, 0, MAX_STAGE_LOSS)
    if new_rate > current[intervention.stage]:
        raise InputError(
            _("{label} ({after}) is higher than now ({before}): an intervention should lower the loss.").format(
                label=label, after=format_percent(new_rate), before=format_percent(current[intervention.stage])
            ),
            "new_rate",
        )
    life = intervention.life_years
    return Intervention(
        name,
        intervention.stage,
        new_rate,
        check_non_negative(intervention.investment, "investment", _("Investment")),
        check_non_negative(intervention.running_cost, "running_cost", _("Running cost per year")),
        None if life is None else check_positive(life, "life_years", _("Useful life")),
    )


def assess_intervention(harvest, stages, price, intervention: Intervention) -> InterventionResult:
    """Work out what an intervention saves each year and how soon it pays back.

    Parameters
    ----------
    harvest : float
        Kilograms harvested per year.
    stages : mapping, sequence or pandas.DataFrame
        The chain's stages now; see :func:`check_stages`.
    price : float
        Selling price in đồng per kg.
    intervention : Intervention
        What changes, at which stage, and what it costs.

    Returns
    -------
    InterventionResult

    See Also
    --------
    compare_interventions : several interventions side by side.
    """
    stages = check_stages(stages)
    intervention = check_intervention(intervention, stages)
    improved = [
        replace(stage, loss_rate=intervention.new_rate) if stage.name == intervention.stage else stage
        for stage in stages
    ]
    return InterventionResult(
        intervention, chain_losses(harvest, stages, price), chain_losses(harvest, improved, price)
    )


def compare_interventions(harvest, stages, price, interventions) -> pd.DataFrame:
    """Return one row per intervention, the quickest to pay back first, those that never do last.

    Columns: ``bien_phap``, ``cong_doan``, ``ty_le_truoc``, ``ty_le_sau``,
    ``kg_them``, ``tien_them_nam``, ``chi_phi_hang_nam``,
    ``loi_ich_rong_nam``, ``chi_phi_dau_tu``, ``hoan_von_nam`` (empty when it
    never pays back) and ``tuoi_tho_nam``.

    Parameters
    ----------
    harvest, stages, price
        The chain, as for :func:`chain_losses`.
    interventions : sequence of Intervention or pandas.DataFrame
        A table is read with :func:`interventions_from_table`.
    """
    if isinstance(interventions, pd.DataFrame):
        interventions = interventions_from_table(interventions)
    rows = [_comparison_row(assess_intervention(harvest, stages, price, measure)) for measure in interventions]
    table = pd.DataFrame(
        rows,
        columns=[
            MEASURE_COLUMN,
            STAGE_COLUMN,
            BEFORE_COLUMN,
            AFTER_COLUMN,
            KG_GAINED_COLUMN,
            VALUE_GAINED_COLUMN,
            RUNNING_COLUMN,
            NET_COLUMN,
            INVESTMENT_COLUMN,
            PAYBACK_COLUMN,
            LIFE_COLUMN,
        ],
    )
    return table.sort_values(PAYBACK_COLUMN, na_position="last", kind="stable").reset_index(drop=True)


def _comparison_row(result: InterventionResult) -> dict:
    """One row of :func:`compare_interventions`."""
    measure = result.intervention
    return {
        MEASURE_COLUMN: measure.name,
        STAGE_COLUMN: measure.stage,
        BEFORE_COLUMN: result.before.stage(measure.stage).loss_rate,
        AFTER_COLUMN: measure.new_rate,
        KG_GAINED_COLUMN: result.kg_saved,
        VALUE_GAINED_COLUMN: result.value_saved,
        RUNNING_COLUMN: measure.running_cost,
        NET_COLUMN: result.net_saving,
        INVESTMENT_COLUMN: measure.investment,
        PAYBACK_COLUMN: result.payback_years,
        LIFE_COLUMN: measure.life_years,
    }


def interventions_from_table(table: pd.DataFrame) -> list[Intervention]:
    """Read interventions from a table such as the dataset ``topic06_interventions``.

    Needs the columns ``bien_phap``, ``cong_doan``, ``ty_le_sau``,
    ``chi_phi_dau_tu`` and ``chi_phi_hang_nam``; ``tuoi_tho_nam`` is optional.
    """
    _require_columns(table, (MEASURE_COLUMN, STAGE_COLUMN, AFTER_COLUMN, INVESTMENT_COLUMN, RUNNING_COLUMN))
    lives = table[LIFE_COLUMN] if LIFE_COLUMN in table.columns else [None] * len(table)
    return [
        Intervention(
            row[MEASURE_COLUMN],
            row[STAGE_COLUMN],
            row[AFTER_COLUMN],
            row[INVESTMENT_COLUMN],
            row[RUNNING_COLUMN],
            None if life is None or pd.isna(life) else life,
        )
        for row, life in zip(table.to_dict("records"), lives)
    ]


# --------------------------------------------------------------------------- course examples


@dataclass(frozen=True)
class ExampleChain:
    """One of the synthetic chains of the course datasets, ready to use.

    Attributes
    ----------
    code, product, province, cooperative : str
    harvest : float
        Kilograms harvested per year.
    price : float
        Selling price in đồng per kg.
    stages : tuple of Stage
    interventions : tuple of Intervention
    """

    code: str
    product: str
    province: str
    cooperative: str
    harvest: float
    price: float
    stages: tuple[Stage, ...]
    interventions: tuple[Intervention, ...]


def example_chain(code: str = "TL") -> ExampleChain:
    """Load one chain of the datasets ``topic06_chains``, ``topic06_chain_stages`` and ``topic06_interventions``.

    Parameters
    ----------
    code : str
        ``"TL"`` (dragon fruit), ``"VAI"`` (lychee), ``"RAU"`` (leafy
        vegetables) or ``"LUA"`` (paddy rice).

    Raises
    ------
    InputError
        For an unknown code.
    """
    chains = datasets.load("topic06_chains").set_index("ma_chuoi")
    if code not in chains.index:
        raise InputError(
            _("There is no example chain {code!r}. The chains are: {known}.").format(
                code=code, known=", ".join(chains.index)
            ),
            "chain",
        )
    info = chains.loc[code]
    stages = datasets.load("topic06_chain_stages")
    measures = datasets.load("topic06_interventions")
    return ExampleChain(
        code,
        info["san_pham"],
        info["tinh"],
        info["chu_the"],
        float(info["san_luong_kg"]),
        float(info["gia_ban_dong_kg"]),
        stages_from_table(stages[stages["ma_chuoi"] == code].sort_values("thu_tu")),
        tuple(interventions_from_table(measures[measures["ma_chuoi"] == code])),
    )


# --------------------------------------------------------------------------- words


def payback_text(years: float | None) -> str:
    """Say how long a payback takes: months under a year, years otherwise, or never."""
    if years is None:
        return _("never: the running cost is more than it saves")
    if years < 1:
        return _("{months} months").format(months=format_number(max(years * 12, 0), 0))
    return _("{years} years").format(years=format_number(years, 1))


# --------------------------------------------------------------------------- exports


def losses_to_csv(result: InterventionResult, path: str | Path | None = None) -> str:
    """Export the stage table, now and with the intervention, as CSV with translated headers.

    Numbers are plain (rates as fractions) so spreadsheets read them as numbers.

    Parameters
    ----------
    result : InterventionResult
        From :func:`assess_intervention`.
    path : str or Path, optional
        Also write the file there (UTF-8 with a byte-order mark, see :mod:`ocopkit.spreadsheet`).

    Returns
    -------
    str
        The CSV text: one row per stage.
    """
    rows = [
        (now.name, now.loss_rate, now.kg_in, now.kg_lost, now.kg_out, now.value_lost, after.loss_rate, after.kg_lost)
        for now, after in zip(result.before.stages, result.after.stages)
    ]
    return rows_csv(
        rows,
        [
            _("Stage"),
            _("Loss rate"),
            _("kg in"),
            _("kg lost"),
            _("kg out"),
            _("Value lost"),
            _("Loss rate with the intervention"),
            _("kg lost with the intervention"),
        ],
        path,
    )


def losses_to_markdown(result: InterventionResult, product: str = "") -> str:
    """Write the chain's losses and the intervention as a Markdown section, in the current language.

    Parameters
    ----------
    result : InterventionResult
        From :func:`assess_intervention`.
    product : str
        The product, for the heading.
    """
    chain, measure = result.before, result.intervention
    lines = [
        f"## {_('Post-harvest losses')}" + (f": {product}" if product else ""),
        "",
        _("Harvest {harvest} kg; {delivered} kg reach the buyer; {lost} kg lost ({rate}), worth {value}.").format(
            harvest=format_number(chain.harvest, 0),
            delivered=format_number(chain.delivered, 0),
            lost=format_number(chain.lost, 0),
            rate=format_percent(chain.loss_rate),
            value=format_money(chain.value_lost),
        ),
        "",
        f"| {_('Stage')} | {_('Loss rate')} | {_('kg lost')} | {_('Value lost')} |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {s.name} | {format_percent(s.loss_rate)} | {format_number(s.kg_lost, 0)} | {format_money(s.value_lost)} |"
        for s in chain.stages
    ]
    lines += [
        "",
        f"### {measure.name}",
        "",
        f"- {_('More kg reaching the buyer per year')}: {format_number(result.kg_saved, 0)} kg",
        f"- {_('Extra sales per year')}: {format_money(result.value_saved)}",
        f"- {_('Net benefit per year')}: {format_money(result.net_saving)}",
        f"- {_('Investment')}: {format_money(measure.investment)}",
        f"- {_('Payback')}: {payback_text(result.payback_years)}",
    ]
    return "\n".join(lines) + "\n"
