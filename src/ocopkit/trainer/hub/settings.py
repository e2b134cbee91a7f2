"""The hub's settings and fixed places, shared by its setup and its configuration file.

Kept apart from :mod:`.setup` so that :mod:`.config` (which renders
``jupyterhub_config.py`` from these settings) and :mod:`.setup` (which calls
it) do not import each other.
"""

from __future__ import annotations

import json
import os
import pwd
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path

STATE_DIR = Path("/var/lib/ocop-hub")
ENV_DIR = Path("/opt/ocop-course-kit/env")
EXCHANGE_DIR = Path("/srv/nbgrader/exchange")
GLOBAL_CONFIG_DIR = Path("/etc/jupyter")
# Installed by jsonschema's "format-nongpl" extra (jupyter-events asks for it) and removed again: only
# jsonschema imports it, to check "iri" strings, and building its grammar at import costs every Jupyter
# server 1 s of CPU and 16 MiB (docs/performance.md, "Participants per server").
NOT_INSTALLED = ("rfc3987-syntax",)
PROXY_PACKAGE = "configurable-http-proxy@5.3.0"
TRAINER = "giangvien"
PARTICIPANTS = ("lan", "hung", "mai")
# JupyterHub's shared-password login wants at least 8 characters.
DEVELOPMENT_PASSWORD = "ocop-dev-2021"
MARKER = "Written by ocopkit.trainer.hub"
# The nbgrader Lab plugins and server extensions a participant does not get are listed once, in the
# participant profile (deploy/participant/, read by ocopkit.trainer.lab_profile): see setup.py.
USER_NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,30}$")
STAMP = ".ocop-hub-stamp.json"


class SetupError(RuntimeError):
    """A step cannot be done; the message says what to fix."""


@dataclass
class HubSettings:
    """Where the hub keeps its parts, who its users are, how it listens.

    The defaults are ``make hub``'s. Tests give their own state folder,
    exchange, configuration folder, ports and user names, and share only the
    course environment.
    """

    state_dir: Path = STATE_DIR
    env_dir: Path = ENV_DIR
    exchange_dir: Path = EXCHANGE_DIR
    nbgrader_config_dir: Path = GLOBAL_CONFIG_DIR
    trainer: str = TRAINER
    participants: tuple[str, ...] = PARTICIPANTS
    password: str = DEVELOPMENT_PASSWORD
    lang: str = "vi"
    ip: str = "127.0.0.1"
    port: int = 8000
    hub_port: int = 8081
    proxy_api_port: int = 8001
    course_id: str = ""  # from the repository's nbgrader_config.py when empty
    assignments: tuple[str, ...] | None = None  # every assignment of solutions/ when None
    lessons: bool = True  # copy course/ lessons into each participant's home
    fresh_homes: bool = False  # tests: empty the users' homes first
    repo: Path | None = None  # the kit's repository; found from the package when None
    proxy: str = ""  # configurable-http-proxy's path, found by ensure_proxy

    def __post_init__(self):
        for name in ("state_dir", "env_dir", "exchange_dir", "nbgrader_config_dir"):
            setattr(self, name, Path(getattr(self, name)))
        self.participants = tuple(self.participants)
        if self.assignments is not None:
            self.assignments = tuple(self.assignments)
        if self.repo is not None:
            self.repo = Path(self.repo)

    @property
    def users(self) -> tuple[str, ...]:
        return (self.trainer, *self.participants)

    @property
    def url(self) -> str:
        return f"http://{self.ip}:{self.port}"

    @property
    def config_file(self) -> Path:
        return self.state_dir / "jupyterhub_config.py"

    @property
    def kit_config_file(self) -> Path:
        """Root's copy of the kit's nbgrader_config.py: what ``ocop hub grade`` runs instead of the trainer's."""
        return self.state_dir / "grading" / "nbgrader_config.py"

    @property
    def env_bin(self) -> Path:
        return self.env_dir / "bin"

    def role_config_dir(self, role: str) -> Path:
        """Jupyter configuration of the trainer's or a participant's server (JUPYTER_CONFIG_PATH)."""
        return self.state_dir / "jupyter" / role

    def home(self, user: str) -> Path:
        try:
            return Path(pwd.getpwnam(user).pw_dir)
        except KeyError:
            return Path("/home") / user

    @property
    def course_dir(self) -> Path:
        """The trainer's nbgrader course directory."""
        return self.home(self.trainer) / self.course_id

    def save(self) -> Path:
        """Write the settings beside the hub's state (``ocop hub grade`` reads them)."""
        data = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(self).items()}
        path = self.state_dir / "settings.json"
        write_file(path, json.dumps(data, indent=1, ensure_ascii=False), mode=0o600)  # it holds the password
        return path

    @classmethod
    def load(cls, state_dir: str | Path = STATE_DIR) -> HubSettings:
        path = Path(state_dir) / "settings.json"
        if not path.exists():
            raise SetupError(
                f"No hub was set up with its state in {state_dir} ({path} is missing): "
                "run make hub first, or pass the --state-dir the hub uses."
            )
        data = json.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def write_file(path: Path, text: str, mode: int = 0o644) -> None:
    """Write a text file that has ``mode`` from its first byte (never briefly readable by others)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_NOFOLLOW: some targets are in the trainer's home, where a link could point anywhere.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, mode)
    os.fchmod(descriptor, mode)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def server_path(settings: HubSettings) -> str:
    # nbgrader shells out to alembic: the course environment's comes first.
    return f"{settings.env_bin}:/usr/local/bin:/usr/bin:/bin"
