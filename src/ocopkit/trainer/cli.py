"""``ocop``: the kit's own steps for trainers, built on nbgrader's API.

Commands
--------
ocop generate [ASSIGNMENT ...]      student versions (nbgrader generate_assignment)
ocop roster import FILE.csv         check a roster and register it in the gradebook
ocop handin ASSIGNMENT FOLDER       take notebooks handed in offline into submitted/
ocop grade ASSIGNMENT               autograde every submission, naming failures
ocop feedback ASSIGNMENT            feedback HTML without hidden tests
ocop export --to FILE.csv [--items] grades with status and reason, UTF-8 for Excel
ocop report --out report.html       completion, scores, item difficulty, failures
ocop demo                           the whole cycle on a sample cohort
ocop nav [--check]                  lesson navigation and README topic table from the manifest
ocop messages                       compile the translation catalogs after editing a .po file
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..i18n import _
from . import export, grading, roster
from .course import Course
from .grade_command import grade_and_report


def _course_dir_option(parser: argparse.ArgumentParser) -> None:
    # The course is opened once here, at the edge, and passed down to every step.
    parser.add_argument(
        "--course-dir",
        dest="course",
        default=".",
        type=Course,
        help="course directory with nbgrader_config.py (default: current folder)",
    )


def cmd_generate(args) -> int:
    """Generate the student version of the named assignments, or all of them."""
    api = args.course.api
    for name in args.assignments or args.course.assignments():
        result = api.generate_assignment(name, force=True, create=True)
        if not result.get("success"):
            print(
                _("{assignment}: failed: {reason}").format(assignment=name, reason=grading.failure_reason(result)),
                file=sys.stderr,
            )
            return 1
        print(_("Generated the student version of {assignment}.").format(assignment=name))
    return 0


def cmd_roster_import(args) -> int:
    """Check a roster CSV and register every participant, or report every bad row."""
    try:
        people = roster.read_roster(args.file)
    except roster.RosterError as error:
        print(error, file=sys.stderr)
        return 1
    gradebook = args.course.api.gradebook
    try:
        roster.register(people, gradebook)
    finally:
        gradebook.close()
    args.course.ledger.save_participants(people)
    print(_("Registered {count} participants.").format(count=len(people)))
    return 0


def cmd_handin(args) -> int:
    """Take a folder of notebooks handed in offline into submitted/; exit 1 when some file is reported."""
    from .handin import HandinError, hand_in

    try:
        report = hand_in(args.course, args.assignment, args.folder, force=args.force)
    except HandinError as error:
        print(_("Error: {error}").format(error=error), file=sys.stderr)
        return 2
    for line in report.lines():
        print(line)
    return 1 if report.problems else 0


def cmd_grade(args) -> int:
    """Grade every pending submission of an assignment in parallel, in the sandbox."""
    return grade_and_report(
        args.course,
        args.assignment,
        workers=args.workers,
        force=args.force,
        retry_failed=args.retry_failed,
        unsafe=args.unsafe,
    )


def cmd_feedback(args) -> int:
    """Generate feedback for every graded submission of an assignment.

    Warns first when some of them still wait for a manual grade (a written
    answer): their pages say those parts await the trainer, and the trainer
    runs this again once they are graded. A submission whose feedback fails
    is named, and the command then exits with 1.
    """
    api = args.course.api
    graded = [o.participant_id for o in args.course.ledger.gradings(args.assignment).values() if o.status == "graded"]
    gradebook = api.gradebook
    try:
        open_ids = sorted(
            s.student_id for s in gradebook.assignment_submissions(args.assignment) if s.needs_manual_grade
        )
    finally:
        gradebook.close()
    open_ids = [participant for participant in open_ids if participant in graded]
    if open_ids:
        print(
            _(
                "Warning: manual grading is still open for {count} submissions: {names}. Their feedback shows those "
                "parts as awaiting the trainer's grading; grade them, then run ocop feedback again."
            ).format(count=len(open_ids), names=", ".join(open_ids)),
            file=sys.stderr,
        )
    failed = 0
    for participant in graded:
        result = api.generate_feedback(args.assignment, participant)
        if not result.get("success"):
            failed += 1
            print(
                _("{participant}: no feedback: {reason}").format(
                    participant=participant, reason=grading.failure_reason(result)
                ),
                file=sys.stderr,
            )
    print(_("Feedback is in {folder}.").format(folder=args.course.root / "feedback"))
    return 1 if failed else 0


def cmd_export(args) -> int:
    """Export grades (or, with --items, one row per test cell) to CSV."""
    if args.items:
        path = export.write_csv(export.item_rows(args.course, args.assignment), args.to, export.ITEM_COLUMNS)
    else:
        path = export.write_csv(export.grade_rows(args.course, args.assignment), args.to)
    print(_("Grades written to {path}.").format(path=path))
    return 0


def cmd_report(args) -> int:
    """Write the cohort's HTML report."""
    from .report import course_report

    path = course_report(args.course, args.out)
    print(_("Report written to {path}.").format(path=path))
    return 0


def cmd_demo(args) -> int:
    """Run the trainer's cycle on the sample cohort."""
    from .demo import run_demo

    run_demo(args.workdir, args.participants)
    return 0


def cmd_nav(args) -> int:
    """Update (or with --check, verify) navigation cells and the README topic table."""
    from .course import repository_root
    from .manifest import update_navigation

    changed = update_navigation(repository_root(), write=not args.check)
    for path in changed:
        print(_("out of date: {path}").format(path=path) if args.check else _("updated: {path}").format(path=path))
    return 1 if (args.check and changed) else 0


def cmd_messages(args) -> int:
    """Compile the gettext catalogs (after editing a .po file)."""
    from ..i18n import write_compiled_catalogs

    for path in write_compiled_catalogs():
        print(_("updated: {path}").format(path=path))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the ``ocop`` argument parser with all subcommands."""
    parser = argparse.ArgumentParser(prog="ocop", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="generate student versions with nbgrader")
    generate.add_argument("assignments", nargs="*")
    _course_dir_option(generate)
    generate.set_defaults(func=cmd_generate)

    roster_parser = commands.add_parser("roster", help="participants of the cohort")
    roster_commands = roster_parser.add_subparsers(dest="roster_command", required=True)
    roster_import = roster_commands.add_parser("import", help="check and register a roster CSV")
    roster_import.add_argument("file", type=Path)
    _course_dir_option(roster_import)
    roster_import.set_defaults(func=cmd_roster_import)

    handin = commands.add_parser("handin", help="take notebooks handed in offline (e-mail, USB, Zalo) into submitted/")
    handin.add_argument("assignment")
    handin.add_argument("folder", type=Path, help="folder of received files, named by participant id (never changed)")
    handin.add_argument("--force", action="store_true", help="replace a participant's earlier submission")
    _course_dir_option(handin)
    handin.set_defaults(func=cmd_handin)

    grade = commands.add_parser("grade", help="autograde every submission of an assignment")
    grade.add_argument("assignment")
    grade.add_argument("--workers", type=int, help="parallel graders (default: one per core)")
    grade.add_argument("--force", action="store_true", help="regrade submissions already graded")
    grade.add_argument("--retry-failed", action="store_true", help="regrade submissions that failed before")
    grade.add_argument("--unsafe", action="store_true", help="grade without the sandbox (trusted code only)")
    _course_dir_option(grade)
    grade.set_defaults(func=cmd_grade)

    feedback = commands.add_parser("feedback", help="feedback HTML without hidden tests")
    feedback.add_argument("assignment")
    _course_dir_option(feedback)
    feedback.set_defaults(func=cmd_feedback)

    export_parser = commands.add_parser("export", help="grades to CSV (UTF-8 with BOM)")
    export_parser.add_argument("--assignment")
    export_parser.add_argument("--to", required=True, type=Path)
    export_parser.add_argument("--items", action="store_true", help="one row per test cell, for item analysis")
    _course_dir_option(export_parser)
    export_parser.set_defaults(func=cmd_export)

    report = commands.add_parser("report", help="self-contained HTML report with charts")
    report.add_argument("--out", required=True, type=Path)
    _course_dir_option(report)
    report.set_defaults(func=cmd_report)

    demo = commands.add_parser("demo", help="the trainer's whole cycle on a sample cohort")
    demo.add_argument("--workdir", type=Path, default=Path("build/demo"))
    demo.add_argument("--participants", type=int, help="a synthetic cohort of this size over the 63 provinces")
    demo.set_defaults(func=cmd_demo)

    nav = commands.add_parser("nav", help="lesson navigation from course/manifest.toml")
    nav.add_argument("--check", action="store_true", help="only report what is out of date")
    nav.set_defaults(func=cmd_nav)

    messages = commands.add_parser("messages", help="compile the translation catalogs (locale/*/ocopkit.mo)")
    messages.set_defaults(func=cmd_messages)

    hub = commands.add_parser("hub", help="local multi-user JupyterHub (make hub): serve, setup, grade")
    hub.add_argument("hub_args", nargs=argparse.REMAINDER, help="serve | setup | grade ASSIGNMENT (ocop hub serve -h)")
    hub.set_defaults(func=cmd_hub)
    return parser


def cmd_hub(args) -> int:
    """Set up and run the local JupyterHub, or grade in it (ocopkit.trainer.hub; needs root)."""
    from .hub.__main__ import main as hub_main

    return hub_main(args.hub_args)


def main(argv: list[str] | None = None) -> int:
    """Run the ``ocop`` command line."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except FileNotFoundError as error:
        print(_("Error: {error}").format(error=error), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
