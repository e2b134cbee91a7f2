"""Item quality from data: the report's item analysis on the real items of each topic.

    python benchmarks/item_quality.py [--topic topic08 ...] [--participants 40] [--seed 2021]
                                      [--workdir build/item_quality] [--no-demo] [--no-synthetic]

For each topic two cohorts are graded with the real nbgrader, by the kit's own
path (a working course, ``cohort.grade_cohort`` with one worker, in the sandbox
when it is available), and the items table the report shows is printed:

- a **synthetic cohort with a latent ability**: each of N participants has an
  ability θ ~ N(0, 1) and each answer cell a difficulty b ~ N(0, 1); the
  participant's notebook is the released exercise with, in each answer cell,
  the ``full`` example submission's answer with probability 1/(1+exp(-(θ-b))),
  else a wrong answer from ``partial`` or ``one_slip`` (one that differs from
  ``full`` in that cell; ``untouched`` when both equal it);
- the **demo cohort**: one participant per kind of submission ``ocop demo``
  hands in (``full``, ``partial``, ``untouched``, ``syntax_error``, ``raises``,
  ``broken``; the seventh hands in nothing).

Per item: the share passing, the share passing among participants whose
answer to that part was right and among those whose answer was wrong, the
discrimination and the report's flag; then Cronbach's α (KR-20) per topic.
An item that every wrong answer still passes is either a lenient hidden test
or a gap in the answer bank; docs/trainers/item-quality.md says how to tell.
Seeded and bounded: one topic at a time, one grading worker.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import math
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from ocopkit.trainer import cohort, demo, export, item_analysis, roster, sandbox  # noqa: E402
from ocopkit.trainer.course import Course, ensure_tools_on_path, make_working_course  # noqa: E402

SUBMISSIONS = REPO / "tests" / "submissions"
# The example submissions a wrong answer is taken from, in order of preference when only one differs.
WRONG_SOURCES = ("partial", "one_slip")


def nbgrader_meta(cell) -> dict:
    """A cell's nbgrader metadata (empty for a cell nbgrader does not know)."""
    return cell.get("metadata", {}).get("nbgrader", {})


def cell_key(cell) -> str | None:
    """The name a cell is matched by across notebooks: its grade_id, else its cell id."""
    return nbgrader_meta(cell).get("grade_id") or cell.get("id")


def is_answer(cell) -> bool:
    """Whether a cell is a code answer cell (nbgrader ``solution: true``)."""
    return cell.cell_type == "code" and bool(nbgrader_meta(cell).get("solution"))


def answer_sources(exercise, examples: dict) -> dict[str, dict[str, str]]:
    """For each answer cell, its right answer and the wrong answers the example submissions give.

    Parameters
    ----------
    exercise : nbformat.NotebookNode
        The released exercise.
    examples : dict
        Example submissions by kind (``full``, ``partial``, ``one_slip``, ``untouched``).

    Returns
    -------
    dict
        ``{cell: {kind: source}}``: ``full`` and each of ``partial``, ``one_slip``
        that differs from it, or ``untouched`` when neither does.
    """
    cells = {kind: {cell_key(c): c.source for c in nb.cells} for kind, nb in examples.items()}
    result = {}
    for cell in exercise.cells:
        if not is_answer(cell):
            continue
        key = cell_key(cell)
        right = cells["full"][key]
        differing = [kind for kind in WRONG_SOURCES if kind in cells and cells[kind].get(key, right) != right]
        # Untouched when neither worked example errs here: the only wrong answer the bank has for this cell.
        result[key] = {"full": right} | {kind: cells[kind][key] for kind in differing or ["untouched"]}
    return result


def compose(exercise, sources: dict, choice: dict[str, str]):
    """The exercise with each answer cell taken from the chosen example; every other cell exactly as released.

    Parameters
    ----------
    exercise : nbformat.NotebookNode
    sources : dict
        From :func:`answer_sources`.
    choice : dict
        The kind of example each answer cell's source comes from.
    """
    notebook = nbformat.from_dict(exercise)  # a deep copy: the exercise serves every participant
    for cell in notebook.cells:
        if is_answer(cell):
            key = cell_key(cell)
            cell.source = sources[key][choice[key]]
    return notebook


def simulate(sources: dict, participants: int, rng: np.random.Generator) -> pd.DataFrame:
    """Which example each simulated participant's answer cells come from, by a Rasch model.

    A participant of ability θ answers a cell of difficulty b right with
    probability 1/(1+exp(-(θ-b))); a wrong answer is one of the cell's wrong
    examples, drawn evenly, so each kind of slip turns up.

    Returns
    -------
    pandas.DataFrame
        Participants × answer cells of example kinds; ``attrs["b"]`` holds the difficulties.
    """
    cells = list(sources)
    theta = rng.normal(size=participants)
    b = rng.normal(size=len(cells))
    chance = 1 / (1 + np.exp(-(theta[:, None] - b[None, :])))
    right = rng.random(chance.shape) < chance
    plan = pd.DataFrame(index=[f"sim{i + 1:03d}" for i in range(participants)], columns=cells, dtype=object)
    for column, cell in enumerate(cells):
        wrong = [kind for kind in sources[cell] if kind != "full"]
        plan[cell] = np.where(right[:, column], "full", rng.choice(wrong, size=participants))
    plan.attrs["b"] = dict(zip(cells, b))
    return plan


def topic_rng(seed: int, topic: str) -> np.random.Generator:
    """A generator per topic, so one topic's figures do not change when others are run or not."""
    return np.random.default_rng([seed, int(topic.removeprefix("topic"))])


def new_course(workdir: Path, topic: str, participants: list[str]) -> Course:
    """A working course with the topic's student version generated and ``participants`` registered."""
    course = Course(make_working_course(workdir))
    result = course.api.generate_assignment(topic, force=True, create=True)
    if not result.get("success"):
        raise RuntimeError(result.get("error") or result)
    people = roster.read_roster(demo.synthetic_roster(len(participants), workdir / "roster.csv"))
    people = [dataclasses.replace(person, id=pid) for person, pid in zip(people, participants)]
    demo.register_participants(course, people)
    return course


def released(course: Course, topic: str) -> dict:
    """The released notebooks of a topic in a working course, by file name."""
    folder = Path(course.api.coursedir.format_path(course.api.coursedir.release_directory, ".", topic))
    return {path.name: nbformat.read(path, as_version=4) for path in sorted(folder.glob("*.ipynb"))}


def grade(course: Course, topic: str) -> pd.DataFrame:
    """Grade every submission of a topic with the kit's own path and return the item rows."""
    options = cohort.GradeOptions(workers=1, force=True, unsafe=sandbox.unavailable_reason() is not None)
    outcomes = cohort.grade_cohort(course, topic, options, progress=cohort.Progress(0, stream=io.StringIO()))
    failed = [o for o in outcomes if o.status != "graded"]
    for outcome in failed:
        print(f"  not graded: {outcome.participant_id}: {outcome.status} {outcome.reason}")
    return pd.DataFrame(export.item_rows(course, topic), columns=export.ITEM_COLUMNS)


def part_of_items(exercise) -> dict[str, str]:
    """The answer cell each autograded test checks: the nearest answer cell above it."""
    owner, result = None, {}
    for cell in exercise.cells:
        if is_answer(cell):
            owner = cell_key(cell)
        elif cell.cell_type == "code" and nbgrader_meta(cell).get("grade"):
            result[cell_key(cell)] = owner
    return result


def synthetic_cohort(topic: str, participants: int, seed: int, workdir: Path) -> tuple[pd.DataFrame, float]:
    """Grade a latent-ability cohort on a topic's real items; return its item table and α."""
    examples = {
        kind: nbformat.read(path, as_version=4)
        for kind in ("full", *WRONG_SOURCES, "untouched")
        for path in (SUBMISSIONS / topic / kind).glob("*.ipynb")
    }
    ids = [f"sim{i + 1:03d}" for i in range(participants)]
    course = new_course(workdir, topic, ids)
    (name, exercise), *others = released(course, topic).items()
    if others:
        raise NotImplementedError(f"{topic}: one notebook per topic is assumed")
    sources = answer_sources(exercise, examples)
    plan = simulate(sources, participants, topic_rng(seed, topic))
    for pid in ids:
        target = course.root / "submitted" / pid / topic / name
        target.parent.mkdir(parents=True)
        nbformat.write(compose(exercise, sources, plan.loc[pid].to_dict()), target)
    items = grade(course, topic)
    table = with_conditional_pass(item_analysis.item_table(items, topic), items, plan, part_of_items(exercise))
    table.attrs["wrong_from"] = {cell: "/".join(k for k in kinds if k != "full") for cell, kinds in sources.items()}
    table.attrs["b"] = plan.attrs["b"]
    return table, item_analysis.reliability(items).get(topic, math.nan)


def with_conditional_pass(table: pd.DataFrame, items: pd.DataFrame, plan: pd.DataFrame, parts: dict) -> pd.DataFrame:
    """Add the share passing among right and among wrong answers to the item's own part.

    A wrong answer that still passes the item says the item does not check
    what that answer gets wrong: by design (another item of the part does) or
    because the hidden test is too lenient.
    """
    passed = items.assign(passed=pd.to_numeric(items["passed"])).pivot_table(
        index="participant_id", columns="cell", values="passed", aggfunc="mean"
    )
    right_pass, wrong_pass, by_kind = [], [], []
    for cell in table["cell"]:
        kind = plan[parts[cell]].reindex(passed.index)
        right_pass.append(100 * passed.loc[kind == "full", cell].mean())
        wrong_pass.append(100 * passed.loc[kind != "full", cell].mean())
        # Passed of handed in, per wrong example: which slip the item lets through.
        counts = passed[cell].groupby(kind).agg(["sum", "count"]).drop(index="full", errors="ignore")
        by_kind.append(" ".join(f"{k} {int(r['sum'])}/{int(r['count'])}" for k, r in counts.iterrows()))
    return table.assign(
        part=[parts[c] for c in table["cell"]], pass_right=right_pass, pass_wrong=wrong_pass, wrong_passed=by_kind
    )


def demo_cohort(topic: str, workdir: Path) -> tuple[pd.DataFrame, float]:
    """Grade one participant per kind of submission ``ocop demo`` hands in; return the item table and α."""
    kinds = [kind for kind in demo.KINDS if kind]  # the seventh demo participant hands in nothing
    course = new_course(workdir, topic, kinds)
    for kind in kinds:
        demo.place_submission(course.root, SUBMISSIONS / topic, topic, kind, kind)
    items = grade(course, topic)
    table = item_analysis.item_table(items, topic)
    passed = items.assign(passed=pd.to_numeric(items["passed"]))
    failing = passed[passed["passed"] == 0].groupby("cell")["participant_id"].agg(lambda s: ",".join(sorted(s)))
    table["failed_by"] = table["cell"].map(failing).fillna("")
    return table, item_analysis.reliability(items).get(topic, math.nan)


def show(table: pd.DataFrame, columns: list[str]) -> str:
    """The table as fixed-width text, numbers to one or two places."""
    formats = {
        "passing": "{:.0f}".format,
        "pass_right": "{:.0f}".format,
        "pass_wrong": "{:.0f}".format,
        "discrimination": "{:.2f}".format,
    }
    return table[columns].to_string(index=False, formatters=formats, na_rep="–")


def flag_counts(table: pd.DataFrame) -> str:
    """How many items carry each flag, e.g. ``no_spread 2, low 1 of 11``."""
    counts = table["flag"].value_counts()
    parts = [f"{flag} {counts.get(flag, 0)}" for flag in ("no_spread", "low")]
    return f"{', '.join(parts)} of {len(table)}"


def run_topic(topic: str, args) -> dict:
    """Both cohorts of one topic: print their tables and return the summary line."""
    summary = {"topic": topic}
    if args.synthetic:
        start = time.perf_counter()
        table, alpha = synthetic_cohort(topic, args.participants, args.seed, args.workdir / topic / "synthetic")
        print(f"\n{topic} synthetic cohort: {args.participants} participants, seed {args.seed}", end="")
        print(f" ({time.perf_counter() - start:.0f} s)")
        wrong = ", ".join(f"{c} from {k}" for c, k in table.attrs["wrong_from"].items())
        print(f"  wrong answers: {wrong}")
        print(
            show(
                table, ["cell", "part", "passing", "pass_right", "pass_wrong", "discrimination", "flag", "wrong_passed"]
            )
        )
        print(f"  α (KR-20) {alpha:.2f}; flags: {flag_counts(table)}")
        summary.update(synthetic_flags=flag_counts(table), synthetic_alpha=round(alpha, 2))
    if args.demo:
        # Printed first: the demo's damaged file is reported as it fails, under its own heading.
        print(f"\n{topic} demo cohort: one participant per kind")
        table, alpha = demo_cohort(topic, args.workdir / topic / "demo")
        print(show(table, ["cell", "passing", "discrimination", "flag", "failed_by"]))
        print(f"  α (KR-20) {alpha:.2f}; flags: {flag_counts(table)}")
        summary.update(demo_flags=flag_counts(table), demo_alpha=round(alpha, 2))
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topic", action="append", help="topicNN (repeatable); all topics by default")
    parser.add_argument("--participants", type=int, default=40, help="size of the synthetic cohort")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--workdir", type=Path, default=REPO / "build" / "item_quality")
    parser.add_argument("--no-demo", dest="demo", action="store_false", help="skip the demo cohort")
    parser.add_argument("--no-synthetic", dest="synthetic", action="store_false", help="skip the synthetic cohort")
    args = parser.parse_args()
    ensure_tools_on_path()
    topics = args.topic or sorted(p.name for p in SUBMISSIONS.iterdir() if (p / "full").is_dir())
    summaries = [run_topic(topic, args) for topic in topics]
    print("\nsummary")
    print(pd.DataFrame(summaries).to_string(index=False))


if __name__ == "__main__":
    main()
