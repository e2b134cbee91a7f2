"""How long each participant tool takes to recompute and redraw after one input changes.

Each update changes one box, as a participant does, and times everything the
change sets off: reading the boxes, the domain logic, the summary, the chart
and its PNG. The business plan runs over 60 months, the longest plan allowed.
The goal is a median under 100 ms, so results feel live.

Usage::

    python benchmarks/widgets_redraw.py            # 50 updates per tool
    python benchmarks/widgets_redraw.py --updates 20

Prints, per tool, the median and 90th percentile in milliseconds of wall time
(what a participant waits) and the median of CPU time (the same work without
time lost to other programs on a busy machine).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from ocopkit.widgets import (
    BusinessPlanBuilder,
    OcopSelfAssessment,
    PricingCalculator,
    ProductStoryBuilder,
)

WARM_UP = 3  # first updates fill matplotlib's font caches; not what a participant waits for


def _alternate(box, first, second) -> Callable[[int], None]:
    """An update that flips a box between two values, so every update is a real change."""

    def update(step: int) -> None:
        box.value = first if step % 2 else second

    return update


def _cases() -> dict[str, Callable[[int], None]]:
    """One tool per case, set up as a participant would have it, and its update."""
    plan = BusinessPlanBuilder()
    plan.set_inputs({"months": "60"})
    prices = PricingCalculator()
    stories = ProductStoryBuilder()
    stories.set_inputs(
        {
            "product": "Vải thiều Lục Ngạn",
            "people": "Hợp tác xã vải thiều",
            "evidence_1": "Giấy chứng nhận VietGAP",
            "evidence_1_verifiable": True,
        }
    )
    scores = OcopSelfAssessment(product_set=4)
    return {
        "BusinessPlanBuilder (60 months)": _alternate(plan.fields["unit_price"], "80.000", "82.500"),
        "PricingCalculator": _alternate(prices.fields["materials_per_unit"], "38.000", "40.000"),
        "ProductStoryBuilder": _alternate(
            stories.fields["place"], "Lục Ngạn, Bắc Giang", "Lục Ngạn, Bắc Giang: đất đồi, sương muối mùa đông"
        ),
        "OcopSelfAssessment": _alternate(scores.sliders["C.8"], 0, 5),
    }


def measure(update: Callable[[int], None], updates: int) -> tuple[list[float], list[float]]:
    """Run ``updates`` updates after a warm-up; return wall and CPU times in ms."""
    for step in range(WARM_UP):
        update(step)
    wall, cpu = [], []
    for step in range(updates):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        update(step)
        wall.append((time.perf_counter() - start_wall) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def p90(values: list[float]) -> float:
    """90th percentile."""
    return statistics.quantiles(values, n=10)[-1]


def main() -> None:
    """Time every tool and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=50, help="updates per tool (default 50)")
    updates = parser.parse_args().updates
    print(f"{'tool':34} {'median ms':>10} {'p90 ms':>8} {'CPU median ms':>14}")
    for name, update in _cases().items():
        wall, cpu = measure(update, updates)
        print(f"{name:34} {statistics.median(wall):10.1f} {p90(wall):8.1f} {statistics.median(cpu):14.1f}")
    print(f"{updates} updates per tool; goal: median under 100 ms.")


if __name__ == "__main__":
    main()
