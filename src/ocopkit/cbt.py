"""Readiness of a community-based tourism site: a self-check by criterion group.

A village or cooperative that wants its community-based tourism (CBT) service
rated as an OCOP product (group 6: community tourism services, ecotourism and
tourist attractions) can first check itself against the standards: the ASEAN
Community Based Tourism Standard (2016) and Vietnam's TCVN 13259:2020. This
module does the arithmetic of such a self-check; the judgement stays with the
people who know the site.

The course's simplified checklist
---------------------------------
The ASEAN standard's checklist has 10 criterion groups, 29 criteria and 188
indicators (98 minimum, 54 intermediate, 36 high). Our sources do not list all
the groups by name nor the indicators of each, so the course uses a
**simplification**: six groups named after parts the sources do name (community
ownership and management; F&B; accommodation from the ASEAN standard; guiding
and the information point, sightseeing and entertainment, and environment,
hygiene, security and fire safety from TCVN 13259:2020), each with example
indicators at three levels. The indicators are examples for teaching, not the
standard's text.

How the self-check works
------------------------
Indicators
    One row per indicator: its code (``ma_chi_so``), group (``nhom``), level
    (``muc``: ``toi_thieu`` minimum, ``trung_binh`` intermediate, ``cao`` high)
    and whether the site meets it (``dat``: 1 or 0, True or False).
Readiness of a group
    The share of the group's indicators that are met, in percent (0–100).
Minimum requirements
    Met when every ``toi_thieu`` indicator is met: until then, the site is not
    ready, whatever its readiness elsewhere.
Gaps ranked
    The unmet indicators, in the order to close them: minimum first, then
    intermediate, then high; within a level, the group with the lower readiness
    first; when groups are equally ready (to 9 decimals), by indicator code
    (``"MT2"`` before ``"TQ3"``). The order is therefore always the same.

Examples
--------
>>> from ocopkit import cbt, datasets
>>> check = cbt.assess(datasets.load("topic10_site_self_check"))
>>> check.minimum_met
False
>>> check.top_gaps(3)
('MT2', 'MT3', 'TQ3')

See Also
--------
ocopkit.widgets.cbt.CbtReadinessCheck : the interactive self-check with a radar chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral

import numpy as np
import pandas as pd

from .errors import InputError
from .i18n import _

CODE_COLUMN, GROUP_COLUMN, LEVEL_COLUMN, MET_COLUMN = "ma_chi_so", "nhom", "muc", "dat"
TEXT_COLUMN = "chi_so"
READINESS_COLUMN = "san_sang_nhom"
REQUIRED_COLUMNS = (CODE_COLUMN, GROUP_COLUMN, LEVEL_COLUMN, MET_COLUMN)
MINIMUM, INTERMEDIATE, HIGH = "toi_thieu", "trung_binh", "cao"
LEVELS = (MINIMUM, INTERMEDIATE, HIGH)
# Groups equally ready to this many decimals tie: 2/6 and 1/3 may differ in the last bits.
TIE_DECIMALS = 9
# The ASEAN CBT Standard's checklist (ASEAN Secretariat 2016; ats.vietnamtourism.gov.vn).
ASEAN_GROUPS, ASEAN_CRITERIA, ASEAN_INDICATORS = 10, 29, 188
ASEAN_INDICATORS_BY_LEVEL = {MINIMUM: 98, INTERMEDIATE: 54, HIGH: 36}


@dataclass(frozen=True)
class Group:
    """One criterion group of the course's simplified checklist.

    Attributes
    ----------
    code : str
        The value of the ``nhom`` column, e.g. ``"an_uong"``.
    """

    code: str

    @property
    def label(self) -> str:
        """The group's name in the current language."""
        return _group_labels()[self.code][0]

    @property
    def short_label(self) -> str:
        """A short name for the radar chart."""
        return _group_labels()[self.code][1]

    @property
    def basis(self) -> str:
        """Which standard names this part."""
        return _group_labels()[self.code][2]


GROUPS = (
    Group("quan_ly"),
    Group("huong_dan"),
    Group("tham_quan"),
    Group("an_uong"),
    Group("luu_tru"),
    Group("moi_truong"),
)
GROUP_CODES = tuple(g.code for g in GROUPS)


def _group_labels() -> dict[str, tuple[str, str, str]]:
    """Name, short name and basis of each group, translated now (the language can change)."""
    asean, tcvn = _("ASEAN CBT Standard"), "TCVN 13259:2020"
    return {
        "quan_ly": (_("Community ownership and management"), _("Management"), asean + " 5.1"),
        "huong_dan": (_("Guiding and visitor information"), _("Guiding"), tcvn),
        "tham_quan": (_("Sightseeing and entertainment"), _("Sightseeing"), tcvn),
        "an_uong": (_("Food and beverage"), _("Food"), asean + " 6; " + tcvn),
        "luu_tru": (_("Accommodation"), _("Accommodation"), asean + " 7; " + tcvn),
        "moi_truong": (_("Environment, hygiene, security and fire safety"), _("Environment & safety"), tcvn),
    }


def get_group(code: str) -> Group:
    """Return the group with this code, or say which codes exist.

    Raises
    ------
    InputError
        For an unknown code.
    """
    for group in GROUPS:
        if group.code == code:
            return group
    message = _("There is no criterion group {code!r}. Use one of: {known}.").format(
        code=code, known=", ".join(GROUP_CODES)
    )
    raise InputError(message, GROUP_COLUMN)


def level_label(level: str) -> str:
    """Name a level (``toi_thieu``, ``trung_binh``, ``cao``) in the current language."""
    return {MINIMUM: _("minimum"), INTERMEDIATE: _("intermediate"), HIGH: _("high")}[level]


def as_met(value, code: str) -> bool:
    """Read whether indicator ``code`` is met: 1/0 or True/False (also NumPy's, from a table).

    Raises
    ------
    InputError
        For anything else, naming the indicator.
    """
    if isinstance(value, np.generic):  # a NumPy 1 or True read from a table
        value = value.item()
    if isinstance(value, (bool, Integral)) and value in (0, 1):
        return bool(value)
    if isinstance(value, float) and value in (0.0, 1.0):
        return bool(value)
    message = _("Indicator {code}: write 1 (met) or 0 (not met) in the column dat, you gave {value!r}.").format(
        code=code, value=value
    )
    raise InputError(message, MET_COLUMN)


def check_self_check(table: pd.DataFrame) -> pd.DataFrame:
    """Return a clean copy of a self-check table, or say what to fix.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per indicator with columns ``ma_chi_so``, ``nhom``, ``muc``
        and ``dat`` (other columns, such as ``chi_so``, are kept).

    Returns
    -------
    pandas.DataFrame
        A copy with ``dat`` as True/False and the rows in their given order.

    Raises
    ------
    InputError
        For a table that is not a DataFrame or is empty, a missing column, an
        unknown group or level, a code used twice, or a ``dat`` other than 1/0.
    """
    if not isinstance(table, pd.DataFrame):
        message = _("The self-check must be a table (pandas DataFrame), you gave {kind}.").format(
            kind=type(table).__name__
        )
        raise InputError(message, "table")
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        message = _("The self-check table lacks the column(s) {missing}; it needs {needed}.").format(
            missing=", ".join(missing), needed=", ".join(REQUIRED_COLUMNS)
        )
        raise InputError(message, missing[0])
    if table.empty:
        raise InputError(_("The self-check table has no indicators."), "table")
    clean = table.copy()
    clean[CODE_COLUMN] = clean[CODE_COLUMN].astype(str).str.strip()
    twice = clean[CODE_COLUMN][clean[CODE_COLUMN].duplicated()].tolist()
    if twice:
        message = _("The indicator code {code} is used twice: give each indicator its own code.").format(code=twice[0])
        raise InputError(message, CODE_COLUMN)
    for code, group, level in zip(clean[CODE_COLUMN], clean[GROUP_COLUMN], clean[LEVEL_COLUMN]):
        get_group(group)
        if level not in LEVELS:
            message = _("Indicator {code}: the level must be toi_thieu, trung_binh or cao, you gave {level!r}.").format(
                code=code, level=level
            )
            raise InputError(message, LEVEL_COLUMN)
    clean[MET_COLUMN] = [as_met(v, c) for v, c in zip(clean[MET_COLUMN], clean[CODE_COLUMN])]
    return clean


def readiness(table: pd.DataFrame) -> pd.Series:
    """Return the readiness of each group: the share of its indicators met, in percent.

    Parameters
    ----------
    table : pandas.DataFrame
        A self-check table (see :func:`check_self_check`).

    Returns
    -------
    pandas.Series
        Percent from 0 to 100, indexed by group code, in the order of
        :data:`GROUPS`; only groups with at least one indicator appear.
    """
    return _readiness(check_self_check(table))


def _readiness(clean: pd.DataFrame) -> pd.Series:
    """Readiness of a table already checked."""
    shares = clean.groupby(GROUP_COLUMN)[MET_COLUMN].mean() * 100
    order = [code for code in GROUP_CODES if code in shares.index]
    return shares.reindex(order).astype(float).rename(READINESS_COLUMN)


def unmet_minimum(table: pd.DataFrame) -> list[str]:
    """Return the codes of the minimum requirements not yet met, in table order."""
    return _unmet_minimum(check_self_check(table))


def _unmet_minimum(clean: pd.DataFrame) -> list[str]:
    """Unmet minimum requirements of a table already checked."""
    return clean[(clean[LEVEL_COLUMN] == MINIMUM) & ~clean[MET_COLUMN]][CODE_COLUMN].tolist()


def minimum_met(table: pd.DataFrame) -> bool:
    """Return True when every minimum (``toi_thieu``) indicator is met."""
    return not unmet_minimum(table)


def rank_gaps(table: pd.DataFrame) -> pd.DataFrame:
    """Return the unmet indicators in the order to close them.

    Minimum requirements first, then intermediate, then high; within a level,
    the least ready group first; equally ready groups by indicator code.

    Returns
    -------
    pandas.DataFrame
        The unmet rows with a column ``san_sang_nhom`` (the group's readiness,
        percent) and a fresh index 1, 2, 3 … giving the order.
    """
    return _rank_gaps(check_self_check(table))


def _rank_gaps(clean: pd.DataFrame) -> pd.DataFrame:
    """Ranked gaps of a table already checked."""
    shares = _readiness(clean)
    gaps = clean[~clean[MET_COLUMN]].copy()
    gaps[READINESS_COLUMN] = gaps[GROUP_COLUMN].map(shares)
    keys = pd.DataFrame(
        {
            "level": gaps[LEVEL_COLUMN].map(LEVELS.index),
            "ready": gaps[READINESS_COLUMN].round(TIE_DECIMALS),
            "code": gaps[CODE_COLUMN],
        }
    )
    order = keys.sort_values(["level", "ready", "code"], kind="mergesort").index
    gaps = gaps.loc[order].reset_index(drop=True)
    gaps.index = range(1, len(gaps) + 1)
    return gaps


@dataclass(frozen=True, eq=False)
class Readiness:
    """The result of a self-check.

    Attributes
    ----------
    by_group : pandas.Series
        Readiness of each group in percent (see :func:`readiness`).
    overall : float
        The share of all indicators met, in percent.
    minimum_met : bool
        Whether every minimum requirement is met.
    unmet_minimum : tuple of str
        Codes of the minimum requirements not met.
    gaps : pandas.DataFrame
        The unmet indicators, ranked (see :func:`rank_gaps`).
    """

    by_group: pd.Series
    overall: float
    minimum_met: bool
    unmet_minimum: tuple[str, ...]
    gaps: pd.DataFrame

    def top_gaps(self, count: int = 3) -> tuple[str, ...]:
        """Return the codes of the first ``count`` gaps to close."""
        return tuple(self.gaps[CODE_COLUMN].head(count))

    @property
    def weakest_group(self) -> str:
        """The code of the least ready group (the first in :data:`GROUPS` order on a tie)."""
        return self.by_group.round(TIE_DECIMALS).idxmin()


def assess(table: pd.DataFrame) -> Readiness:
    """Run the whole self-check: readiness by group, minimum requirements and ranked gaps.

    Parameters
    ----------
    table : pandas.DataFrame
        A self-check table (see :func:`check_self_check`).

    Returns
    -------
    Readiness

    Raises
    ------
    InputError
        When the table has a problem; the message says which.

    See Also
    --------
    ocopkit.widgets.cbt.CbtReadinessCheck : the same check, interactive.
    """
    clean = check_self_check(table)
    unmet = tuple(_unmet_minimum(clean))
    return Readiness(
        by_group=_readiness(clean),
        overall=float(clean[MET_COLUMN].mean() * 100),
        minimum_met=not unmet,
        unmet_minimum=unmet,
        gaps=_rank_gaps(clean),
    )
