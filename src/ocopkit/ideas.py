"""Choosing product ideas from local potential: a weighted scoring matrix.

Before a commune registers product ideas (step 2 of the OCOP cycle, *nhận ý
tưởng sản phẩm*), a group of officials and producers can score each candidate
idea from 1 to 5 on six criteria, weigh the criteria by what matters to them,
and rank the ideas. This module does that arithmetic; the judgement stays with
the group.

How the matrix works
--------------------
Scores
    Whole numbers from 1 (very weak) to 5 (very strong). One criterion runs the
    other way: for *investment needed* (``von_dau_tu``) a 5 means a lot of
    money, which is worse. Before weighting, such a score is turned round to
    ``6 - score`` (5 becomes 1, 1 becomes 5), so that on every criterion a
    higher *oriented* score is better. :attr:`Criterion.higher_is_better` says
    which criteria are turned.
Weights
    Any numbers from 0 up, at least one above 0. Each is divided by their
    total, so weights that already sum to 100 (25, 20, 25, 10, 10, 10) are
    used as they are, as shares (25 %, 20 %, ...), and weights of 1, 1, 2 ...
    work just as well.
Weighted score
    The sum over the criteria of share × oriented score, on the same 1–5 scale.
Ranking
    Highest score first. Ideas whose scores are equal (to 9 decimals, so that
    rounding in the last digit of a float cannot split a real tie) share a
    rank — 1, 2, 2, 4 — and keep the order in which they were entered.
Thresholds
    A minimum for ordinary criteria ("raw materials at least 3") and a
    *maximum* for criteria where lower is better ("investment at most 2").
    An idea meets the thresholds when it meets every one of them.

Examples
--------
>>> from ocopkit import datasets, ideas
>>> table = datasets.load("topic02_candidate_ideas")
>>> ranking = ideas.rank_ideas(table, ideas.DEFAULT_WEIGHTS,
...                            thresholds={"nguyen_lieu": 3, "von_dau_tu": 2})
>>> ranking.leader, ranking.best  # doctest: +SKIP

See Also
--------
ocopkit.widgets.ideas.IdeaScoringMatrix : the interactive matrix.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from numbers import Real

import pandas as pd

from .errors import InputError, check_non_negative, check_whole
from .i18n import _

SCORE_MIN, SCORE_MAX = 1, 5
NAME_COLUMN = "ten_y_tuong"
SCORE_COLUMN = "diem_tong_hop"
RANK_COLUMN = "hang"
PASS_COLUMN = "dat_nguong"
SHORTFALL_COLUMN = "chua_dat"
# Scores equal to this many decimals are a tie: float sums of the same numbers
# in a different order can differ in the last bits.
TIE_DECIMALS = 9

# Suggested weights (%): raw materials and market first; tradition and identity
# next, because the OCOP sheet rewards ideas tied to local tradition (A2.1) and
# local wisdom and identity (B2.2).
DEFAULT_WEIGHTS = {
    "nguyen_lieu": 25,
    "truyen_thong": 20,
    "thi_truong": 25,
    "ky_nang": 10,
    "von_dau_tu": 10,
    "moi_truong": 10,
}


@dataclass(frozen=True)
class Criterion:
    """One criterion of the idea-scoring matrix.

    Attributes
    ----------
    code : str
        The column name in a table of ideas, e.g. ``"nguyen_lieu"``.
    higher_is_better : bool
        False for investment needed, whose scores are turned round (6 − score).
    """

    code: str
    higher_is_better: bool = True

    @property
    def label(self) -> str:
        """The criterion's name in the current language."""
        return _labels()[self.code][0]

    @property
    def short_label(self) -> str:
        """A short name for table headers and chart legends."""
        return _labels()[self.code][1]

    @property
    def scale(self) -> str:
        """What a score of 1 and a score of 5 mean."""
        return _labels()[self.code][2]


CRITERIA = (
    Criterion("nguyen_lieu"),
    Criterion("truyen_thong"),
    Criterion("thi_truong"),
    Criterion("ky_nang"),
    Criterion("von_dau_tu", higher_is_better=False),
    Criterion("moi_truong"),
)
CODES = tuple(c.code for c in CRITERIA)


def _labels() -> dict[str, tuple[str, str, str]]:
    """Name, short name and scale of each criterion, translated now (the language can change)."""
    return {
        "nguyen_lieu": (
            _("Raw material availability"),
            _("Raw materials"),
            _("1: brought from elsewhere; 5: plenty in the commune all year"),
        ),
        "truyen_thong": (
            _("Tradition and local identity"),
            _("Tradition"),
            _("1: new to the area; 5: a long tradition, known as a local specialty"),
        ),
        "thi_truong": (_("Market demand"), _("Market"), _("1: few buyers; 5: buyers ask for more than we can make")),
        "ky_nang": (
            _("Skills of local people"),
            _("Skills"),
            _("1: nobody here knows how yet; 5: many people have the skills"),
        ),
        "von_dau_tu": (
            _("Investment needed"),
            _("Investment"),
            _("1: almost no new money; 5: a large investment (lower is better)"),
        ),
        "moi_truong": (
            _("Environmental fit"),
            _("Environment"),
            _("1: harms land, water or forest; 5: fits and protects the environment"),
        ),
    }


@dataclass(frozen=True, eq=False)
class IdeaRanking:
    """The ideas ranked by weighted score, with the thresholds they meet.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per idea, best first: ``hang`` (rank), the idea's name,
        ``diem_tong_hop`` (weighted score, 1–5), ``dat_nguong`` (meets every
        threshold) and ``chua_dat`` (the criteria it falls short on).
    contributions : pandas.DataFrame
        Share × oriented score of each criterion (columns) for each idea
        (index, in rank order); each row sums to the weighted score.
    weights : dict
        The weights used, as shares that sum to 1.
    thresholds : dict
        The thresholds used, by criterion code.
    name_column : str
        The column that holds the ideas' names.
    """

    table: pd.DataFrame
    contributions: pd.DataFrame
    weights: dict[str, float]
    thresholds: dict[str, int]
    name_column: str = NAME_COLUMN

    @property
    def leader(self) -> str:
        """The idea ranked first, whatever the thresholds."""
        return self.table[self.name_column].iloc[0]

    @property
    def best(self) -> str | None:
        """The highest-ranked idea that meets every threshold, or None if none does."""
        passing = self.table[self.table[PASS_COLUMN]]
        return passing[self.name_column].iloc[0] if len(passing) else None


def get_criterion(code: str) -> Criterion:
    """Return one criterion by its code.

    Raises
    ------
    InputError
        For a code that is not one of :data:`CODES`.
    """
    for criterion in CRITERIA:
        if criterion.code == code:
            return criterion
    raise InputError(
        _("Unknown criterion {codes}. The criteria are: {known}.").format(codes=repr(code), known=", ".join(CODES)),
        "criterion",
    )


def criteria_table() -> pd.DataFrame:
    """Return the six criteria with what their scores mean and the suggested weights.

    Returns
    -------
    pandas.DataFrame
        One row per criterion, headers in the current language.
    """
    return pd.DataFrame(
        {
            _("Code"): list(CODES),
            _("Criterion"): [c.label for c in CRITERIA],
            _("What 1 and 5 mean"): [c.scale for c in CRITERIA],
            _("Better when"): [_("higher") if c.higher_is_better else _("lower") for c in CRITERIA],
            _("Suggested weight (%)"): [DEFAULT_WEIGHTS[c] for c in CODES],
        }
    )


# --------------------------------------------------------------------------- checks


def _as_dict(values, field: str, example: str) -> dict:
    """Accept a dict or a pandas Series of values keyed by criterion code."""
    if isinstance(values, pd.Series):
        values = values.to_dict()
    if not isinstance(values, Mapping):
        label = _("The weights") if field == "weights" else _("The thresholds")
        raise InputError(
            _("{label} must be a dictionary such as {example}, you gave {value}.").format(
                label=label, example=example, value=type(values).__name__
            ),
            field,
        )
    unknown = [code for code in values if code not in CODES]
    if unknown:
        raise InputError(
            _("Unknown criterion {codes}. The criteria are: {known}.").format(
                codes=", ".join(map(repr, unknown)), known=", ".join(CODES)
            ),
            field,
        )
    return dict(values)


def normalise_weights(weights: Mapping) -> dict[str, float]:
    """Return the weights as shares of their total, checked.

    Parameters
    ----------
    weights : dict or pandas.Series
        A weight from 0 up for every criterion code, e.g. :data:`DEFAULT_WEIGHTS`.
        Percentages, fractions or any relative numbers work alike.

    Returns
    -------
    dict
        The shares, in the order of :data:`CODES`, summing to 1.

    Raises
    ------
    InputError
        For an unknown or missing criterion, a weight that is not a number or
        is negative, or weights that are all 0.
    """
    given = _as_dict(weights, "weights", "{'nguyen_lieu': 25, ...}")
    missing = [code for code in CODES if code not in given]
    if missing:
        raise InputError(
            _("Give a weight for every criterion; missing: {codes}. Use 0 to leave a criterion out.").format(
                codes=", ".join(missing)
            ),
            "weights",
        )
    checked = {
        code: check_non_negative(
            given[code], f"weight:{code}", _("Weight of {criterion}").format(criterion=get_criterion(code).label)
        )
        for code in CODES
    }
    total = sum(checked.values())
    if total == 0:
        raise InputError(_("All weights are 0: give at least one criterion a weight above 0."), "weights")
    return {code: value / total for code, value in checked.items()}


def check_thresholds(thresholds: Mapping | None) -> dict[str, int]:
    """Return thresholds checked to be whole scores from 1 to 5.

    Parameters
    ----------
    thresholds : dict or None
        Criterion code → threshold. A minimum for ordinary criteria, a maximum
        for investment needed. Criteria left out have no threshold.

    Raises
    ------
    InputError
        For an unknown criterion or a threshold that is not a whole number 1–5.
    """
    given = _as_dict(thresholds if thresholds is not None else {}, "thresholds", "{'nguyen_lieu': 3}")
    return {
        code: check_whole(
            value,
            f"threshold:{code}",
            _("Threshold for {criterion}").format(criterion=get_criterion(code).label),
            SCORE_MIN,
            SCORE_MAX,
        )
        for code, value in given.items()
    }


def no_limit(code: str) -> int:
    """Return the threshold that excludes no idea on a criterion: 1 for a minimum, 5 for a maximum.

    Investment needed takes a maximum ("at most 2"), so its open end is 5.
    """
    return SCORE_MIN if get_criterion(code).higher_is_better else SCORE_MAX


def binding_thresholds(thresholds: Mapping) -> dict[str, int]:
    """Return the thresholds that can exclude an idea: those not at their criterion's :func:`no_limit`.

    A threshold slider left at its open end means "no threshold"; this is
    the set of thresholds :func:`rank_ideas` is then given.

    Raises
    ------
    InputError
        See :func:`check_thresholds`.
    """
    return {code: value for code, value in check_thresholds(thresholds).items() if value != no_limit(code)}


def _check_score(value, idea: str, criterion: Criterion) -> int:
    """Return one score as an int from 1 to 5, or say which cell to fix."""
    label = _('Score of "{idea}" on {criterion}').format(idea=idea, criterion=criterion.label)
    if value is None or (isinstance(value, Real) and math.isnan(value)):
        raise InputError(
            _("{what} is empty (NaN); enter a number of points.").format(what=label), f"score:{criterion.code}"
        )
    return check_whole(value, f"score:{criterion.code}", label, SCORE_MIN, SCORE_MAX)


def _check_names(names: pd.Series, name_column: str) -> list[str]:
    """Return the ideas' names, each non-empty text and different from the others."""
    checked = []
    for row, name in enumerate(names, start=1):
        if not isinstance(name, str) or not name.strip():
            raise InputError(
                _("Row {row} has no idea name: type a short name in the column {column}.").format(
                    row=row, column=name_column
                ),
                "name",
            )
        if name.strip() in checked:
            raise InputError(
                _('The idea "{name}" appears twice: give each idea its own name.').format(name=name.strip()), "name"
            )
        checked.append(name.strip())
    return checked


def check_ideas(ideas, name_column: str = NAME_COLUMN) -> pd.DataFrame:
    """Return a clean copy of a table of ideas: names and six whole scores 1–5.

    Parameters
    ----------
    ideas : pandas.DataFrame or list of dict
        One row per idea, with the name column and one column per criterion
        code; other columns are ignored.
    name_column : str
        The column that holds the ideas' names.

    Returns
    -------
    pandas.DataFrame
        The name column and the six score columns, as ints, index 0, 1, 2, ...

    Raises
    ------
    InputError
        For a table without ideas or lacking columns, an idea without a name,
        a name used twice, or a score that is not a whole number from 1 to 5.
    """
    table = ideas if isinstance(ideas, pd.DataFrame) else pd.DataFrame(list(ideas or []))
    missing = [c for c in (name_column, *CODES) if c not in table.columns]
    if missing:
        raise InputError(
            _("The table of ideas lacks the column(s) {columns}. It needs: {needed}.").format(
                columns=", ".join(missing), needed=", ".join((name_column, *CODES))
            ),
            "ideas",
        )
    if table.empty:
        raise InputError(_("Enter at least one idea."), "ideas")
    names = _check_names(table[name_column], name_column)
    clean = pd.DataFrame({name_column: names})
    for criterion in CRITERIA:
        clean[criterion.code] = [_check_score(v, n, criterion) for v, n in zip(table[criterion.code], names)]
    return clean


# --------------------------------------------------------------------------- scoring


def oriented_scores(ideas, name_column: str = NAME_COLUMN) -> pd.DataFrame:
    """Return the scores with lower-is-better criteria turned round (6 − score).

    Parameters
    ----------
    ideas : pandas.DataFrame
        See :func:`check_ideas`.
    name_column : str
        The column that holds the ideas' names.

    Returns
    -------
    pandas.DataFrame
        Index: the ideas' names; columns: the criterion codes; on every
        column a higher score is better.
    """
    clean = check_ideas(ideas, name_column).set_index(name_column)
    for criterion in CRITERIA:
        if not criterion.higher_is_better:
            clean[criterion.code] = SCORE_MIN + SCORE_MAX - clean[criterion.code]
    return clean


def contributions(ideas, weights: Mapping, name_column: str = NAME_COLUMN) -> pd.DataFrame:
    """Return what each criterion adds to each idea's weighted score.

    Returns
    -------
    pandas.DataFrame
        Share × oriented score; index: the ideas' names, columns: criterion
        codes. Each row sums to the idea's weighted score.
    """
    shares = pd.Series(normalise_weights(weights))
    return oriented_scores(ideas, name_column) * shares


def weighted_scores(ideas, weights: Mapping, name_column: str = NAME_COLUMN) -> pd.Series:
    """Return each idea's weighted score on the 1–5 scale.

    Parameters
    ----------
    ideas : pandas.DataFrame
        See :func:`check_ideas`.
    weights : dict or pandas.Series
        See :func:`normalise_weights`.
    name_column : str
        The column that holds the ideas' names.

    Returns
    -------
    pandas.Series
        Named ``diem_tong_hop``, indexed by the ideas' names, in input order.
    """
    return contributions(ideas, weights, name_column).sum(axis=1).rename(SCORE_COLUMN)


def meets_thresholds(ideas, thresholds: Mapping | None, name_column: str = NAME_COLUMN) -> pd.Series:
    """Return True for each idea that meets every threshold.

    A threshold is a minimum, except for criteria where lower is better
    (investment needed), where it is a maximum.

    Returns
    -------
    pandas.Series
        Booleans indexed by the ideas' names.
    """
    return _threshold_checks(ideas, thresholds, name_column).all(axis=1).rename(PASS_COLUMN)


def _threshold_checks(ideas, thresholds, name_column) -> pd.DataFrame:
    """Return one boolean column per threshold: does the idea meet it?"""
    scores = check_ideas(ideas, name_column).set_index(name_column)
    checks = pd.DataFrame(index=scores.index)
    for code, limit in check_thresholds(thresholds).items():
        meets_it = scores[code] >= limit if get_criterion(code).higher_is_better else scores[code] <= limit
        checks[code] = meets_it
    return checks


def _shortfalls(checks: pd.DataFrame) -> pd.Series:
    """Name the criteria each idea falls short on, as short labels."""
    return checks.apply(lambda row: ", ".join(get_criterion(c).short_label for c in row.index if not row[c]), axis=1)


def rank_ideas(
    ideas, weights: Mapping | None = None, thresholds: Mapping | None = None, name_column: str = NAME_COLUMN
) -> IdeaRanking:
    """Rank ideas by weighted score and say which meet the thresholds.

    Parameters
    ----------
    ideas : pandas.DataFrame or list of dict
        See :func:`check_ideas`.
    weights : dict or pandas.Series, optional
        See :func:`normalise_weights`; :data:`DEFAULT_WEIGHTS` when omitted.
    thresholds : dict, optional
        See :func:`check_thresholds`; none when omitted.
    name_column : str
        The column that holds the ideas' names.

    Returns
    -------
    IdeaRanking
        Its ``table`` lists the ideas best first; equal scores share a rank
        and keep their input order.

    See Also
    --------
    ocopkit.widgets.ideas.IdeaScoringMatrix : the same, interactively.
    """
    weights = DEFAULT_WEIGHTS if weights is None else weights
    parts = contributions(ideas, weights, name_column)
    scores = parts.sum(axis=1).round(TIE_DECIMALS)
    order = scores.sort_values(ascending=False, kind="stable").index
    checks = _threshold_checks(ideas, thresholds, name_column).loc[order]
    table = pd.DataFrame(
        {
            RANK_COLUMN: scores.rank(method="min", ascending=False).astype(int).loc[order].to_numpy(),
            name_column: list(order),
            SCORE_COLUMN: parts.sum(axis=1).loc[order].to_numpy(),
            PASS_COLUMN: checks.all(axis=1).to_numpy(),
            SHORTFALL_COLUMN: _shortfalls(checks).to_numpy() if len(checks.columns) else "",
        }
    )
    return IdeaRanking(table, parts.loc[order], normalise_weights(weights), check_thresholds(thresholds), name_column)


def conclusion(ranking: IdeaRanking) -> str:
    """Say in one sentence which idea leads and which is the best that meets every threshold.

    Parameters
    ----------
    ranking : IdeaRanking
        From :func:`rank_ideas`.

    Returns
    -------
    str
        "First: …" alone when there are no thresholds or the leader meets
        them; otherwise also the best idea that does, or that none does.
    """
    if not ranking.thresholds or ranking.best == ranking.leader:
        return _("First: {leader}.").format(leader=ranking.leader)
    if ranking.best is None:
        return _("First: {leader}. No idea meets every threshold.").format(leader=ranking.leader)
    return _("First: {leader}, but it does not meet every threshold; the best idea that does: {best}.").format(
        leader=ranking.leader, best=ranking.best
    )


def weight_sensitivity(
    ideas,
    criterion: str,
    values: Iterable[float] = range(0, 55, 5),
    weights: Mapping | None = None,
    name_column: str = NAME_COLUMN,
) -> pd.DataFrame:
    """Return every idea's weighted score as one weight changes and the others stay.

    Use it to see whether the ranking depends on a weight the group is unsure
    of: if the leader changes within a plausible range, discuss that weight.

    Parameters
    ----------
    ideas : pandas.DataFrame
        See :func:`check_ideas`.
    criterion : str
        The code of the criterion whose weight changes.
    values : iterable of float
        The weights to try for that criterion, on the same scale as the
        others (0, 5, ..., 50 by default, for weights in %).
    weights : dict, optional
        The other weights; :data:`DEFAULT_WEIGHTS` when omitted. All weights
        are normalised again for each value.
    name_column : str
        The column that holds the ideas' names.

    Returns
    -------
    pandas.DataFrame
        Index ``trong_so`` (the weight tried), one column per idea.

    See Also
    --------
    leaders : the idea ranked first for each weight tried.
    """
    base = dict(DEFAULT_WEIGHTS if weights is None else _as_dict(weights, "weights", "{'nguyen_lieu': 25, ...}"))
    code = get_criterion(criterion).code
    rows = {value: weighted_scores(ideas, {**base, code: value}, name_column) for value in values}
    table = pd.DataFrame(rows).T
    table.index.name = "trong_so"
    return table


def leaders(sensitivity: pd.DataFrame) -> pd.Series:
    """Return the idea ranked first in each row of :func:`weight_sensitivity`.

    Ties go to the idea entered first, as in :func:`rank_ideas`.
    """
    return sensitivity.round(TIE_DECIMALS).idxmax(axis=1).rename(NAME_COLUMN)
