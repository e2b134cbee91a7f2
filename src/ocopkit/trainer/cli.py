"""``ocop``: the kit's own steps for trainers, built on nbgrader's API.

Commands
--------
ocop generate [ASSIGNMENT ...]      student versions (nbgrader generate_assignment)
ocop roster import FILE.csv         check a roster and register it in the gradebook
ocop handin ASSIGNMENT FOLDER       take notebooks handed in offline into submitted/
ocop grade ASSIGNMENT               autograde every submission, naming failures
ocop grade ASSIGNMENT --shared      the same, sharing the cohort with other machines (PostgreSQL)
ocop feedback ASSIGNMENT            feedback HTML without hidden tests
ocop export --to FILE.csv [--items] grades with status and reason, UTF-8 for Excel (--delimiter ";")
ocop export --xlsx --to FILE.xlsx   the same as a workbook: long and wide sheets, failed and missing lists
ocop manual export TOPIC --to F.xlsx the written answers with their rubric, for trainers to score
ocop manual import TOPIC F.xlsx ... the trainers' scores and comments into nbgrader's gradebook
ocop report --out report.html       completion, scores, item difficulty, failures
ocop demo                           the whole cycle on a sample cohort
ocop nav [--check]                  lesson navigation and README topic table from the manifest
ocop messages                       compile the translation catalogs after editing a .po file
"""

from __future__ import annotations

import argparse
import sys
from importlib import metadata
from pathlib import Path

from ..i18n import _
from . import export, grading, roster
from .cli_words import Formatter, use_kit_language
from .course import CONFIG_FILE, Course
from .grade_command import grade_and_report, unknown_assignment


def course_folder(value: str) -> Course:
    """Open the course at ``--course-dir``, or tell argparse why this folder is not one."""
    folder = Path(value)
    if not (folder / CONFIG_FILE).is_file():
        raise argparse.ArgumentTypeError(
            _(
                "{folder} is not a course folder: it has no {config}. Give the folder that holds {config} "
                "(the one `make demo` makes is build/demo)."
            ).format(folder=folder.resolve(), config=CONFIG_FILE)
        )
    return Course(folder)


def _course_dir_option(parser: argparse.ArgumentParser) -> None:
    # The course is opened once here, at the edge, and passed down to every step.
    parser.add_argument(
        "--course-dir",
        dest="course",
        default=".",
        type=course_folder,
        help=_("course directory with nbgrader_config.py (default: current folder)"),
    )


def _refuse_unknown(args, *names) -> int:
    """0 when every named assignment exists in the course; otherwise say which do exist and return 2."""
    for name in names:
        problem = unknown_assignment(args.course, name)
        if problem:
            print(problem, file=sys.stderr)
            return 2
    return 0


def cmd_generate(args) -> int:
    """Generate the student version of the named assignments, or all of them."""
    if _refuse_unknown(args, *args.assignments):
        return 2
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
    from .table_files import delimiter_label, encoding_label

    def say_how_read(encoding, delimiter, file):
        # Naming the encoding and delimiter found explains a garbled name or a "missing" column at once.
        if encoding:
            message = _("The file was read as {encoding}, with the columns separated by {delimiter}.")
            print(message.format(encoding=encoding_label(encoding), delimiter=delimiter_label(delimiter)), file=file)

    try:
        found = roster.read_roster_file(args.file)
    except roster.RosterError as error:
        say_how_read(error.encoding, error.delimiter, sys.stderr)
        print(error, file=sys.stderr)
        return 1
    say_how_read(found.encoding, found.delimiter, sys.stdout)
    people = found.participants
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

    if _refuse_unknown(args, args.assignment):
        return 2
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
        fresh_kernels=args.fresh_kernels,
        shared=args.shared,
    )


def cmd_feedback(args) -> int:
    """Generate feedback for every graded submission of an assignment.

    Warns first when some of them still wait for a manual grade (a written
    answer): their pages say those parts await the trainer, and the trainer
    runs this again once they are graded. A submission whose feedback fails
    is named, and the command then exits with 1.
    """
    if _refuse_unknown(args, args.assignment):
        return 2
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
    """Export grades to CSV (or, with --items, one row per test cell), or to an .xlsx workbook with --xlsx."""
    if args.assignment and _refuse_unknown(args, args.assignment):
        return 2
    if args.xlsx:
        from .workbook import write_xlsx

        path = write_xlsx(args.course, args.to, args.assignment)
    elif args.items:
        rows = export.item_rows(args.course, args.assignment)
        path = export.write_csv(rows, args.to, export.ITEM_COLUMNS, delimiter=args.delimiter)
    else:
        path = export.write_csv(export.grade_rows(args.course, args.assignment), args.to, delimiter=args.delimiter)
    print(_("Grades written to {path}.").format(path=path))
    return 0


def cmd_manual_export(args) -> int:
    """Write the written answers of an assignment, with their rubric, to a workbook for trainers to score."""
    from .manual import export_written

    if _refuse_unknown(args, args.assignment):
        return 2
    path = export_written(args.course, args.assignment, args.to)
    print(_("Written answers to score are in {path}.").format(path=path))
    return 0


def cmd_manual_import(args) -> int:
    """Write trainers' scores and comments into nbgrader's gradebook, or name every bad row and write nothing."""
    from .manual import ManualGradesError, import_scores

    if _refuse_unknown(args, args.assignment):
        return 2
    try:
        result = import_scores(args.course, args.assignment, args.files)
    except ManualGradesError as error:
        print(error, file=sys.stderr)
        return 1
    print(
        _("Written into the gradebook: {scores} scores and {comments} comments; {skipped} rows left empty.").format(
            scores=result.scores, comments=result.comments, skipped=result.skipped
        )
    )
    print(
        _("Run ocop feedback {assignment} to give participants their pages with these parts.").format(
            assignment=args.assignment
        )
    )
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


def _examples() -> str:
    """The examples at the end of ``ocop --help``: the trainer's cycle, in order."""
    lines = [
        ("ocop roster import danh-sach.csv --course-dir build/demo", _("register the participants")),
        ("ocop grade topic08 --course-dir build/demo", _("grade every submission of Topic 8")),
        ("ocop feedback topic08 --course-dir build/demo", _("feedback pages for the participants")),
        ("ocop export --xlsx --to diem.xlsx --course-dir build/demo", _("grades as a workbook")),
        ("ocop report --out bao-cao.html --course-dir build/demo", _("the cohort's report")),
    ]
    return _("Examples:") + "\n" + "\n".join(f"  {command}\n      {what}" for command, what in lines)


def _version() -> str:
    """``ocop (OCOP Course Kit) 0.1.0``."""
    try:
        number = metadata.version("ocopkit")
    except metadata.PackageNotFoundError:  # run from a source tree without installing
        number = "?"
    return f"ocop (OCOP Course Kit) {number}"


def _add_grading_commands(commands) -> None:
    """generate, roster, handin, grade and feedback."""
    generate = commands.add_parser("generate", help=_("generate student versions with nbgrader"))
    generate.add_argument("assignments", nargs="*", help=_("assignments, e.g. topic08 (default: all)"))
    _course_dir_option(generate)
    generate.set_defaults(func=cmd_generate)

    roster_parser = commands.add_parser("roster", help=_("participants of the cohort"))
    roster_commands = roster_parser.add_subparsers(dest="roster_command", required=True)
    roster_import = roster_commands.add_parser("import", help=_("check and register a roster CSV"))
    roster_import.add_argument("file", type=Path, help=_("the roster: CSV from Excel, any usual encoding"))
    _course_dir_option(roster_import)
    roster_import.set_defaults(func=cmd_roster_import)

    handin = commands.add_parser(
        "handin", help=_("take notebooks handed in offline (e-mail, USB, Zalo) into submitted/")
    )
    handin.add_argument("assignment", help=_("the assignment, e.g. topic08"))
    handin.add_argument(
        "folder", type=Path, help=_("folder of received files, named by participant id (never changed)")
    )
    handin.add_argument("--force", action="store_true", help=_("replace a participant's earlier submission"))
    _course_dir_option(handin)
    handin.set_defaults(func=cmd_handin)

    grade = commands.add_parser("grade", help=_("autograde every submission of an assignment"))
    grade.add_argument("assignment", help=_("the assignment, e.g. topic08"))
    grade.add_argument("--workers", type=int, help=_("parallel graders (default: one per core)"))
    grade.add_argument("--force", action="store_true", help=_("regrade submissions already graded"))
    grade.add_argument("--retry-failed", action="store_true", help=_("regrade submissions that failed before"))
    grade.add_argument("--unsafe", action="store_true", help=_("grade without the sandbox (trusted code only)"))
    grade.add_argument(
        "--fresh-kernels",
        action="store_true",
        help=_("start every kernel anew instead of forking it from a prepared one (slower; for comparison)"),
    )
    grade.add_argument(
        "--shared",
        action="store_true",
        help=_("grade together with other machines sharing the PostgreSQL gradebook and submitted/"),
    )
    _course_dir_option(grade)
    grade.set_defaults(func=cmd_grade)

    feedback = commands.add_parser("feedback", help=_("feedback HTML without hidden tests"))
    feedback.add_argument("assignment", help=_("the assignment, e.g. topic08"))
    _course_dir_option(feedback)
    feedback.set_defaults(func=cmd_feedback)


def _add_result_commands(commands) -> None:
    """export, manual and report."""
    export_parser = commands.add_parser("export", help=_("grades to CSV (UTF-8 with BOM) or to an Excel workbook"))
    export_parser.add_argument("--assignment", help=_("only this assignment (default: all)"))
    export_parser.add_argument("--to", required=True, type=Path, help=_("the file to write"))
    export_parser.add_argument("--items", action="store_true", help=_("one row per test cell, for item analysis"))
    export_parser.add_argument(
        "--xlsx", action="store_true", help=_("an .xlsx workbook: long and wide sheets, failed and missing lists")
    )
    export_parser.add_argument(
        "--delimiter",
        default=",",
        choices=[",", ";", "\t"],
        type=lambda text: "\t" if text in ("tab", "\\t") else text,
        help=_("CSV column separator; ';' for Excel with Vietnamese regional settings (default: ',')"),
    )
    _course_dir_option(export_parser)
    export_parser.set_defaults(func=cmd_export)

    manual = commands.add_parser("manual", help=_("written answers graded in a spreadsheet, for large cohorts"))
    manual_commands = manual.add_subparsers(dest="manual_command", required=True)
    manual_export = manual_commands.add_parser(
        "export", help=_("the written answers with their rubric, to an .xlsx trainers fill in")
    )
    manual_export.add_argument("assignment", help=_("the assignment, e.g. topic08"))
    manual_export.add_argument("--to", required=True, type=Path, help=_("the file to write"))
    _course_dir_option(manual_export)
    manual_export.set_defaults(func=cmd_manual_export)
    manual_import = manual_commands.add_parser("import", help=_("the trainers' scores and comments into the gradebook"))
    manual_import.add_argument("assignment", help=_("the assignment, e.g. topic08"))
    manual_import.add_argument("files", nargs="+", type=Path, help=_("one or more filled-in copies"))
    _course_dir_option(manual_import)
    manual_import.set_defaults(func=cmd_manual_import)

    report = commands.add_parser("report", help=_("self-contained HTML report with charts"))
    report.add_argument("--out", required=True, type=Path, help=_("the file to write"))
    _course_dir_option(report)
    report.set_defaults(func=cmd_report)


def _add_kit_commands(commands) -> None:
    """demo, nav, messages and hub."""
    demo = commands.add_parser("demo", help=_("the trainer's whole cycle on a sample cohort"))
    demo.add_argument("--workdir", type=Path, default=Path("build/demo"), help=_("where the demo works"))
    demo.add_argument("--participants", type=int, help=_("a synthetic cohort of this size over the 63 provinces"))
    demo.set_defaults(func=cmd_demo)

    nav = commands.add_parser("nav", help=_("lesson navigation from course/manifest.toml"))
    nav.add_argument("--check", action="store_true", help=_("only report what is out of date"))
    nav.set_defaults(func=cmd_nav)

    messages = commands.add_parser("messages", help=_("compile the translation catalogs (locale/*/ocopkit.mo)"))
    messages.set_defaults(func=cmd_messages)

    hub = commands.add_parser("hub", help=_("local multi-user JupyterHub (make hub): serve, setup, grade"))
    hub.add_argument(
        "hub_args", nargs=argparse.REMAINDER, help=_("serve | setup | grade ASSIGNMENT (ocop hub serve -h)")
    )
    hub.set_defaults(func=cmd_hub)


def build_parser() -> argparse.ArgumentParser:
    """Return the ``ocop`` argument parser with all subcommands, its help in the kit's language."""
    use_kit_language()
    parser = argparse.ArgumentParser(
        prog="ocop",
        description=_("The OCOP Course Kit's steps for trainers, built on nbgrader."),
        epilog=_examples(),
        formatter_class=Formatter,
    )
    parser.add_argument("--version", action="version", version=_version(), help=_("show the kit's version"))
    commands = parser.add_subparsers(dest="command", required=True, metavar=_("COMMAND"))
    _add_grading_commands(commands)
    _add_result_commands(commands)
    _add_kit_commands(commands)
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
