"""``ocop hub`` (or ``python -m ocopkit.trainer.hub``): set up, run and grade in the local JupyterHub.

ocop hub serve [--lang vi|en] [--port 8000] ...   set up (or update) and run in the foreground (make hub)
ocop hub setup [...]                               set up (or update) only
ocop hub grade ASSIGNMENT                          grade collected submissions in the sandbox (root)
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import setup
from .run import Hub
from .setup import HubSettings, SetupError


def settings_options(parser: argparse.ArgumentParser) -> None:
    defaults = HubSettings()
    parser.add_argument(
        "--lang",
        default=os.environ.get("OCOP_LANG") or defaults.lang,
        choices=("vi", "en"),
        help="language of the kit's tools in every server (OCOP_LANG; default vi)",
    )
    parser.add_argument("--port", type=int, default=defaults.port, help="the hub's port on 127.0.0.1 (8000)")
    parser.add_argument("--hub-port", type=int, default=defaults.hub_port, help="the hub's internal API (8081)")
    parser.add_argument(
        "--proxy-api-port", type=int, default=defaults.proxy_api_port, help="the proxy's internal API (8001)"
    )
    parser.add_argument(
        "--password",
        default=os.environ.get("OCOP_HUB_PASSWORD") or defaults.password,
        help="the development password of every account (OCOP_HUB_PASSWORD)",
    )
    parser.add_argument("--trainer", default=defaults.trainer, help=f"the trainer's user name ({defaults.trainer})")
    parser.add_argument(
        "--participants",
        default=",".join(defaults.participants),
        help="participants' user names, comma-separated (" + ",".join(defaults.participants) + ")",
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=defaults.state_dir,
        help=f"the hub's database, configuration and log ({defaults.state_dir})",
    )
    parser.add_argument(
        "--env-dir",
        type=Path,
        default=defaults.env_dir,
        help=f"the course environment every user runs ({defaults.env_dir})",
    )
    parser.add_argument(
        "--exchange-dir",
        type=Path,
        default=defaults.exchange_dir,
        help=f"nbgrader's exchange ({defaults.exchange_dir})",
    )
    parser.add_argument(
        "--nbgrader-config-dir",
        type=Path,
        default=defaults.nbgrader_config_dir,
        help=f"where the hub-wide nbgrader_config.py goes ({defaults.nbgrader_config_dir})",
    )
    parser.add_argument("--repo", type=Path, help="the kit's repository (default: the one this ocopkit is from)")


def settings_from(args) -> HubSettings:
    return HubSettings(
        lang=args.lang,
        port=args.port,
        hub_port=args.hub_port,
        proxy_api_port=args.proxy_api_port,
        password=args.password,
        trainer=args.trainer,
        participants=tuple(p.strip() for p in args.participants.split(",") if p.strip()),
        state_dir=args.state_dir,
        env_dir=args.env_dir,
        exchange_dir=args.exchange_dir,
        nbgrader_config_dir=args.nbgrader_config_dir,
        repo=args.repo,
    )


def cmd_serve(args) -> int:
    settings = settings_from(args)
    Hub(settings).check_ports()  # before minutes of setup, not after
    return Hub(setup.prepare(settings)).serve()


def cmd_setup(args) -> int:
    settings = setup.prepare(settings_from(args))
    setup.say(
        f"Ready: start it with {settings.env_bin}/jupyterhub -f {settings.config_file} "
        f"(in {settings.state_dir}), or make hub"
    )
    return 0


def cmd_grade(args) -> int:
    """Collect from the exchange and grade as root, trusting nothing the trainer can write (hub.grade)."""
    from .grade import grade, load_settings

    reason = setup.root_reason()
    if reason:
        raise SetupError(
            "Grading on the hub runs each participant's notebook in the sandbox, which needs "
            "root: run this command as root (sudo)."
        )
    settings = load_settings(args.state_dir)
    code = grade(settings, args.assignment, args.workers, args.force, args.retry_failed)
    if code == 0:
        setup.say(
            f"Graded {args.assignment}. In formgrader ({settings.trainer}): review, then Generate and Release feedback."
        )
    return code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ocop hub",
        description="A local multi-user JupyterHub for the course (development login, 127.0.0.1 only). Needs root.",
    )
    actions = parser.add_subparsers(dest="action", required=True)
    serve = actions.add_parser("serve", help="set up (or update) and run the hub in the foreground; Ctrl-C stops it")
    settings_options(serve)
    serve.set_defaults(func=cmd_serve)
    prepare = actions.add_parser("setup", help="set up (or update) the hub without starting it")
    settings_options(prepare)
    prepare.set_defaults(func=cmd_setup)
    grade = actions.add_parser("grade", help="grade an assignment's collected submissions (ocop grade, sandboxed)")
    grade.add_argument("assignment")
    grade.add_argument("--state-dir", type=Path, default=HubSettings().state_dir)
    grade.add_argument("--workers", type=int, help="parallel graders (default: one per core)")
    grade.add_argument("--force", action="store_true", help="regrade submissions already graded")
    grade.add_argument("--retry-failed", action="store_true", help="regrade submissions that failed before")
    grade.set_defaults(func=cmd_grade)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SetupError as error:
        print(f"ocop hub: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
