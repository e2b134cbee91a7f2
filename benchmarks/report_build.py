"""Time `ocop report` on a synthetic cohort of 2,400 participants × 11 topics.

    python benchmarks/report_build.py [--participants 2400] [--topics 11] [--cells 10]

Builds the same tables that `ocop export` produces (one row per participant
and topic; one row per participant, topic and test cell), then times
ocopkit.trainer.report.build_report on them and prints the seconds and the HTML size.
The target is under 10 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ocopkit.trainer import roster
from ocopkit.trainer.report import build_report


def synthetic_tables(participants: int, topics: int, cells: int, seed: int = 2021):
    """Return (grades, items) shaped like the export's rows, with a realistic spread of statuses."""
    rng = np.random.default_rng(seed)
    provinces = sorted(roster.PROVINCES)
    people = pd.DataFrame(
        {
            "participant_id": [f"hv{i:05d}" for i in range(participants)],
            "province": [provinces[i % len(provinces)] for i in range(participants)],
            "name": [f"Học viên {i:05d}" for i in range(participants)],
            "organisation_type": [("cooperative", "enterprise", "household")[i % 3] for i in range(participants)],
            "email": [f"hv{i:05d}@example.vn" for i in range(participants)],
        }
    )
    grid = people.merge(pd.DataFrame({"assignment": [f"topic{t + 1:02d}" for t in range(topics)]}), how="cross")
    status = rng.choice(["graded", "late", "failed", "missing"], size=len(grid), p=[0.8, 0.05, 0.03, 0.12])
    score = rng.integers(0, 11, size=len(grid)).astype(float)
    grid["status"] = status
    grid["score"] = np.where(np.isin(status, ["graded", "late"]), score, np.nan)
    grid["max_score"] = 12.0
    grid["reason"] = np.where(status == "failed", "notebook topic.ipynb bị hỏng: JSON không hợp lệ", "")
    graded = grid[grid["status"].isin(["graded", "late"])]
    items = graded[["participant_id", "province", "assignment"]].merge(
        pd.DataFrame({"cell": [f"part{c // 3 + 1}_check{c % 3 + 1}" for c in range(cells)]}), how="cross"
    )
    # A participant's ability drives every check a little, so the item analysis has real correlations to find.
    ability = pd.Series(rng.normal(size=participants), index=people["participant_id"])
    chance = 1 / (1 + np.exp(-(0.4 + ability.reindex(items["participant_id"]).to_numpy())))
    items["passed"] = (rng.random(len(items)) < chance).astype(int)
    items["score"], items["max_score"], items["cell_type"] = items["passed"], 1, "code"
    return grid, items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=2400)
    parser.add_argument("--topics", type=int, default=11)
    parser.add_argument("--cells", type=int, default=10)
    args = parser.parse_args()
    grades, items = synthetic_tables(args.participants, args.topics, args.cells)
    started = time.perf_counter()
    page = build_report(grades, items, "Benchmark")
    seconds = time.perf_counter() - started
    print(f"rows: {len(grades)} grades, {len(items)} items")
    print(f"report built in {seconds:.2f} s ({len(page) / 1024**2:.1f} MB of HTML); target < 10 s")


if __name__ == "__main__":
    main()
