"""Item analysis of an autograded assignment: difficulty, discrimination and reliability.

A trainer wants to know which checks were hard, which checks tell strong
participants from weak ones, and whether the assignment's checks measure one
thing consistently. Classical test theory answers all three from the table of
item scores (one row per participant, one column per autograded test cell):

- **difficulty** ``p``: the share of participants passing the item;
- **discrimination**: the corrected item-total correlation (point-biserial for
  a pass/fail item), the correlation between the item and the total of the
  *other* items; under 0.2 an item does not separate participants (Ebel's
  guideline, used by most item-analysis texts);
- **reliability**: Cronbach's α over the items (for pass/fail items it equals
  KR-20); 0.7 and above is the usual bar for a class test.

An item everyone passes (or fails) has no variance: its discrimination is not
a number, and the table says why instead.

See Also
--------
ocopkit.trainer.report : the cohort report that shows these tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LOW_DISCRIMINATION = 0.2


def item_matrix(items: pd.DataFrame, assignment: str) -> pd.DataFrame:
    """Return participants × autograded cells of one assignment, each the share of the cell's points earned.

    Parameters
    ----------
    items : pandas.DataFrame
        Rows of :func:`ocopkit.trainer.export.item_rows`.
    assignment : str
        The assignment to analyse.
    """
    rows = items[(items["assignment"] == assignment) & (items.get("cell_type", "code") == "code")]
    score = pd.to_numeric(rows["score"], errors="coerce")
    maximum = pd.to_numeric(rows["max_score"], errors="coerce").replace(0, np.nan)
    share = (score / maximum).where(maximum.notna(), pd.to_numeric(rows["passed"], errors="coerce"))
    return rows.assign(share=share).pivot_table(
        index="participant_id", columns="cell", values="share", aggfunc="mean", sort=False
    )


def cronbach_alpha(matrix: pd.DataFrame) -> float:
    """Cronbach's α of an item matrix (KR-20 for pass/fail items); NaN under two items or no spread.

    Examples
    --------
    >>> cronbach_alpha(pd.DataFrame({"a": [1, 1, 0, 0], "b": [1, 1, 0, 0]}))
    1.0
    """
    complete = matrix.dropna()
    items = complete.shape[1]
    if items < 2 or len(complete) < 2:
        return float("nan")
    total_variance = complete.sum(axis=1).var(ddof=1)
    if not total_variance:
        return float("nan")
    return float(items / (items - 1) * (1 - complete.var(ddof=1).sum() / total_variance))


def discrimination(matrix: pd.DataFrame) -> pd.Series:
    """The corrected item-total correlation of each item (NaN for an item without spread)."""
    complete = matrix.dropna()
    total = complete.sum(axis=1)
    result = {}
    for cell in complete.columns:
        item, rest = complete[cell], total - complete[cell]
        result[cell] = item.corr(rest) if item.std() and rest.std() else float("nan")
    return pd.Series(result, dtype=float)


def item_table(items: pd.DataFrame, assignment: str) -> pd.DataFrame:
    """Difficulty and discrimination of each item of an assignment, the hardest first.

    Returns
    -------
    pandas.DataFrame
        Columns ``cell``, ``participants``, ``passing`` (percent passing),
        ``discrimination`` and ``flag``: ``"no_spread"`` (everyone passed, or
        no one), ``"low"`` (under :data:`LOW_DISCRIMINATION`) or ``""``.
    """
    matrix = item_matrix(items, assignment)
    if matrix.empty:
        return pd.DataFrame(columns=["cell", "participants", "passing", "discrimination", "flag"])
    passing = matrix.eq(1).where(matrix.notna()).mean().mul(100)
    spread = matrix.std().fillna(0) > 0
    index = discrimination(matrix).reindex(matrix.columns)
    # Compared as shown (two decimals), so a check the page shows as 0,20 is not flagged as under 0,2.
    flag = np.where(~spread, "no_spread", np.where(index.round(2) < LOW_DISCRIMINATION, "low", ""))
    table = pd.DataFrame(
        {
            "cell": matrix.columns,
            "participants": matrix.notna().sum().to_numpy(),
            "passing": passing.to_numpy(),
            "discrimination": index.to_numpy(),
            "flag": flag,
        }
    )
    return table.sort_values(["passing", "cell"], kind="stable").reset_index(drop=True)


def reliability(items: pd.DataFrame) -> dict[str, float]:
    """Cronbach's α of each assignment's autograded items."""
    return {assignment: cronbach_alpha(item_matrix(items, assignment)) for assignment in items["assignment"].unique()}
