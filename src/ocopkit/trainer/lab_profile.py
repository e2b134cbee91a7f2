"""The participant profile: how JupyterLab starts for a participant, in one place.

``deploy/participant/`` is a Jupyter configuration folder (put first on
``JUPYTER_CONFIG_PATH``): Lab in Vietnamese with English one setting away, no
news or update prompts, code in a web font that the server itself serves
(JetBrains Mono, which draws ế, ấ, ề, ợ), and none of the trainer's nbgrader
tools (Formgrader, Create Assignment, Course List). ``make lab``, the browser
tests (``tests/browser_support.py``), ``make hub`` and the TLJH and Kubernetes
deployments all use that folder.

``make lab`` runs ``python -m ocopkit.trainer.lab_profile``: Lab serves a
folder that holds only ``course/`` and ``exercises/`` (links to the
repository's), as a participant sees them, and its kernels get no
``MPLBACKEND``, so charts show inline.

This module is also a Jupyter server extension of the profile (``ocopkit.trainer.lab_profile``
in ``jpserver_extensions``): it answers nbgrader's participant endpoints (the Assignment List's
``/assignments``, fetch, submit, ``/courses``, the Validate button's ``/assignments/validate``)
and imports nbgrader only when one of them is first asked for. nbgrader's own
``assignment_list`` and ``validate_assignment`` extensions import all of nbgrader
(SQLAlchemy, nbconvert, ...) when the server starts: about 35 MiB in every participant's
server, most of whom never open the Assignment List during a lesson
(``docs/performance.md``, "Participants per server").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PROFILE = REPO / "deploy" / "participant"
VISIBLE = ("course", "exercises")  # what a participant's Lab lists; never solutions/
PAGE_CONFIG = Path("labconfig") / "page_config.json"
SERVER_CONFIG = Path("jupyter_server_config.json")

# Server extensions a participant's server does not load (jpserver_extensions false in the profile):
# the trainer's nbgrader tools, and what nothing a participant uses needs.
TRAINER_ONLY_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list")
# jupyter_lsp only relays to language servers, and the course environment installs none.
UNUSED_SERVER_EXTENSIONS = ("jupyter_lsp",)
# nbgrader's participant-side extensions: off in the profile, served by this module on first use.
# Their routes (nbgrader's default_handlers, 0.9.6: tests/trainer/test_lab_profile.py checks them).
ON_FIRST_USE = {
    "nbgrader.server_extensions.assignment_list": (
        (r"/assignments", "AssignmentListHandler"),
        (r"/assignments/(?P<action>fetch|submit|fetch_feedback)", "AssignmentActionHandler"),
        (r"/courses", "CourseListHandler"),
        (r"/nbgrader_version", "NbGraderVersionHandler"),
    ),
    "nbgrader.server_extensions.validate_assignment": (
        (r"/assignments/validate", "ValidateAssignmentHandler"),
        (r"/nbgrader_version", "NbGraderVersionHandler"),
    ),
}


def _read(relative: Path, profile: Path = PROFILE) -> dict:
    path = Path(profile) / relative
    if not path.exists():
        raise FileNotFoundError(
            f"The participant profile is missing {path}: run this from the kit's repository "
            "(pip install -e .), which has deploy/participant/."
        )
    return json.loads(path.read_text(encoding="utf-8"))


def trainer_only_plugins(profile: Path = PROFILE) -> tuple[str, ...]:
    """The Lab plugins the profile turns off for participants (nbgrader's trainer tools)."""
    disabled = _read(PAGE_CONFIG, profile)["disabledExtensions"]
    return tuple(name for name, off in disabled.items() if off)


def server_extensions(profile: Path = PROFILE) -> dict[str, bool]:
    """The profile's ``jpserver_extensions``: which server extensions it turns on or off."""
    return dict(_read(SERVER_CONFIG, profile)["ServerApp"]["jpserver_extensions"])


def trainer_only_server_extensions(profile: Path = PROFILE) -> tuple[str, ...]:
    """The trainer's server extensions the profile turns off for participants (formgrader, course list)."""
    extensions = server_extensions(profile)
    return tuple(name for name in TRAINER_ONLY_SERVER_EXTENSIONS if extensions.get(name) is False)


# ---------------------------------------------------------------- the server extension


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "ocopkit.trainer.lab_profile"}]


def _load_jupyter_server_extension(serverapp) -> None:
    """Route nbgrader's participant endpoints to handlers imported on the first request."""
    from jupyter_server.utils import url_path_join
    from tornado import web
    from tornado.routing import Router

    webapp = serverapp.web_app
    base_url = webapp.settings["base_url"]
    loaded: dict[str, object] = {}

    def handlers_of(extension: str):
        """nbgrader's handlers module, set up as its own loader would have at start."""
        if extension not in loaded:
            import importlib

            module = importlib.import_module(extension + ".handlers")
            if extension.endswith("assignment_list"):
                manager = module.AssignmentList(parent=serverapp)
                manager.root_dir = serverapp.root_dir
                webapp.settings["assignment_list_manager"] = manager
            serverapp.log.info("Loaded %s on first use", extension)
            loaded[extension] = module
        return loaded[extension]

    class OnFirstUse(Router):
        def __init__(self, extension: str, handler: str):
            self.extension, self.handler = extension, handler

        def find_handler(self, request, **kwargs):
            handler_class = getattr(handlers_of(self.extension), self.handler)
            return webapp.get_handler_delegate(
                request, handler_class, path_args=kwargs.get("path_args"), path_kwargs=kwargs.get("path_kwargs")
            )

    # What nbgrader's validate_assignment loader sets at start (its handler reads it).
    webapp.settings["root_dir"] = serverapp.root_dir
    rules, seen = [], set()
    for extension, routes in ON_FIRST_USE.items():
        for pattern, handler in routes:
            if pattern not in seen:
                seen.add(pattern)
                rules.append((url_path_join(base_url, pattern), OnFirstUse(extension, handler)))
    # tornado's own add_handlers: jupyter-server's checks the targets' methods for @authenticated,
    # which a router has none of; every nbgrader handler it routes to is @web.authenticated.
    web.Application.add_handlers(webapp, ".*$", rules)
    serverapp.log.info("nbgrader's assignment list and validate endpoints load on first use")


def profile_files(profile: Path = PROFILE) -> list[Path]:
    """Every file of the profile, relative to it (what a hub copies into a participant's configuration)."""
    profile = Path(profile)
    return sorted(
        p.relative_to(profile)
        for p in profile.rglob("*")
        if p.is_file() and p.name != "README.md" and "__pycache__" not in p.parts
    )


def environment(base: dict[str, str] | None = None, profile: Path = PROFILE) -> dict[str, str]:
    """The environment Lab starts in: the profile first on ``JUPYTER_CONFIG_PATH``, no ``MPLBACKEND``.

    ``make test`` and ``make demo`` set ``MPLBACKEND=Agg`` for headless runs;
    a kernel that inherits it draws no chart in Lab.
    """
    env = dict(os.environ if base is None else base)
    env.pop("MPLBACKEND", None)
    paths = [str(profile)] + [p for p in env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


def command(root: Path, *, port: int = 8888, ip: str = "127.0.0.1") -> list[str]:
    """The ``jupyter lab`` command line for serving ``root`` (with :func:`environment`)."""
    argv = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--ip={ip}",
        f"--port={port}",
        f"--ServerApp.root_dir={root}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")
    return argv


def participant_root(folder: Path, *, repo: Path = REPO, copy: bool = False) -> Path:
    """Make ``folder`` hold what a participant sees, ``course/`` and ``exercises/``, and return it.

    Links to the repository's folders (a participant's edits land there, as
    with ``make lab`` before), or fresh copies with ``copy=True`` (tests: Run
    All and autosave then touch nothing in the repository).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in VISIBLE:
        target, source = folder / name, Path(repo) / name
        if target.is_symlink() or target.is_file():
            target.unlink()
        elif target.is_dir():
            shutil.rmtree(target)
        if copy:
            shutil.copytree(source, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        else:
            target.symlink_to(source.resolve(), target_is_directory=True)
    return folder


def main(argv: list[str] | None = None) -> int:
    """``make lab``: JupyterLab with the participant profile on ``build/lab`` (course/ and exercises/)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--port", type=int, default=8888)
    parser.add_argument("--root", type=Path, default=REPO / "build" / "lab", help="the folder Lab serves")
    args = parser.parse_args(argv)
    root = participant_root(args.root)
    argv = command(root, port=args.port)
    os.execve(argv[0], argv, environment())
    return 0  # not reached: exec replaces this process


if __name__ == "__main__":
    sys.exit(main())
