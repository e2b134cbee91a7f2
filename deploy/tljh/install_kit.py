"""Install the OCOP Course Kit into a Littlest JupyterHub (TLJH) server.

Run as root on the TLJH server, from a clone of the kit, with the hub environment's Python
(it has TLJH's own YAML library; any Python 3.8+ with PyYAML works too)::

    sudo /opt/tljh/hub/bin/python3 deploy/tljh/install_kit.py \\
        --settings my-tljh-config.yaml --roster roster.csv --course-owner giangvien01

    python3 deploy/tljh/install_kit.py --dry-run ...     # print every step, change nothing

Steps, each idempotent (run it again after editing the settings or the roster):

1. the user environment (/opt/tljh/user) gets Python 3.11 or newer if it has an older one
   (the kit needs 3.11), with the hub's JupyterHub version reinstalled into it;
2. the kit's pinned packages (deploy/tljh/requirements.txt, the same pins as pyproject.toml)
   and the kit itself (a wheel: lessons' datasets included) go into the user environment;
3. the global nbgrader settings and the trainer's server settings (deploy/jupyter/) and the
   participant profile (deploy/participant/) go into the user environment's etc/jupyter, the hub settings
   (deploy/tljh/jupyterhub_config.d/ocop.py) into TLJH's jupyterhub_config.d;
4. the nbgrader exchange /srv/nbgrader/exchange (mode 1777) with the course folder owned by
   the course owner's Linux user (jupyter-NAME), created beforehand so nobody can take it;
5. the settings file is applied with tljh-config (set / add-item), the roster's ids are
   added to users.allowed, and the hub and proxy are reloaded.

This cannot run on a machine without TLJH (it installs systemd units); tests/trainer/hub/test_deploy.py
runs it with --dry-run and checks what it would do.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import shlex
import subprocess
import sys
from pathlib import Path

try:  # PyYAML, or TLJH's own ruamel.yaml in /opt/tljh/hub
    import yaml

    def load_yaml(text: str):
        return yaml.safe_load(text)
except ImportError:  # pragma: no cover - exercised on a TLJH hub environment only
    from ruamel.yaml import YAML

    def load_yaml(text: str):
        return YAML(typ="safe").load(text)


HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SHARED = REPO / "deploy" / "jupyter"
# The participant profile (Lab in Vietnamese, the served code font, no trainer tools): the same
# folder make lab and make hub use, copied whole (its fonts too).
PROFILE = REPO / "deploy" / "participant"
MINIMUM_PYTHON = (3, 11)
COURSE_ID = "ocop-2021"
EXCHANGE = "/srv/nbgrader/exchange"
PLACEHOLDER = "example.vn"


class Installer:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.prefix = Path(args.prefix)
        self.user_env = self.prefix / "user"
        self.user_python = args.user_python or str(self.user_env / "bin" / "python")
        self.dry_run = args.dry_run

    # ------------------------------------------------------------------ helpers
    def say(self, text: str) -> None:
        print(f"==> {text}", flush=True)

    def run(self, *cmd: str) -> None:
        print("    $ " + " ".join(shlex.quote(str(part)) for part in cmd), flush=True)
        if not self.dry_run:
            subprocess.run([str(part) for part in cmd], check=True)

    def output(self, *cmd: str) -> str:
        """Commands that only read: they run in a dry run too when the program exists."""
        return subprocess.run([str(part) for part in cmd], check=True, capture_output=True, text=True).stdout.strip()

    def install_file(self, source: Path, target: Path, mode: int = 0o644) -> None:
        print(f"    install -m {mode:o} {source.relative_to(REPO)} {target}", flush=True)
        if not self.dry_run:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
            target.chmod(mode)

    # ------------------------------------------------------------------ steps
    def check(self) -> None:
        if self.dry_run:
            self.say("Dry run: printing the steps, changing nothing")
            return
        if os.geteuid() != 0:
            sys.exit("Run as root (sudo): the script writes into /opt/tljh and /srv.")
        if not (self.prefix / "config").is_dir() or not Path(self.user_python).exists():
            sys.exit(f"No TLJH installation under {self.prefix}: install TLJH first (deploy/tljh/README.md).")
        if PLACEHOLDER in Path(self.args.settings).read_text(encoding="utf-8"):
            sys.exit(
                f"{self.args.settings} still names {PLACEHOLDER}: copy it and put in your domain, "
                "e-mail and user names first."
            )

    def python(self) -> None:
        self.say(f"User environment: Python {'.'.join(map(str, MINIMUM_PYTHON))} or newer")
        try:
            version = self.output(self.user_python, "-c", "import sys; print(*sys.version_info[:2])")
            found = tuple(int(x) for x in version.split())
        except (OSError, subprocess.CalledProcessError):
            found = None
        if found is not None and found >= MINIMUM_PYTHON:
            print(f"    Python {found[0]}.{found[1]}: nothing to do", flush=True)
            return
        # An older Python: upgrade it in place (conda-forge), then reinstall what TLJH put there
        # with pip, which the upgrade leaves behind in the old site-packages.
        hub_version = "JUPYTERHUB_VERSION_OF_THE_HUB"
        if not self.dry_run:
            hub_version = self.output(str(self.prefix / "hub" / "bin" / "jupyterhub"), "--version")
        self.run(
            str(self.user_env / "bin" / "mamba"),
            "install",
            "--yes",
            "--channel",
            "conda-forge",
            f"python={'.'.join(map(str, MINIMUM_PYTHON))}",
        )
        self.run(self.user_python, "-m", "pip", "install", f"jupyterhub=={hub_version}")

    def packages(self) -> None:
        self.say("The kit's pinned packages and the kit into the user environment")
        self.run(self.user_python, "-m", "pip", "install", "--requirement", str(HERE / "requirements.txt"))
        # jsonschema's optional IRI check: 1 s and 16 MiB at every server's start, unused (docs/performance.md)
        self.run(self.user_python, "-m", "pip", "uninstall", "-y", "rfc3987-syntax")
        # A regular (not editable) install: the wheel carries the datasets, and participants
        # cannot read the clone in root's or a trainer's home.
        self.run(self.user_python, "-m", "pip", "install", "--no-deps", "--force-reinstall", str(REPO))

    def settings(self) -> None:
        self.say("nbgrader and Jupyter server settings")
        etc = self.user_env / "etc" / "jupyter"
        self.install_file(SHARED / "nbgrader_config.py", etc / "nbgrader_config.py")
        for source in sorted(p for p in PROFILE.rglob("*") if p.is_file() and p.name != "README.md"):
            self.install_file(source, etc / "ocop" / "participant" / source.relative_to(PROFILE))
        for source in sorted((SHARED / "trainer").rglob("*.json")):
            self.install_file(source, etc / "ocop" / "trainer" / source.relative_to(SHARED / "trainer"))
        self.install_file(
            HERE / "jupyterhub_config.d" / "ocop.py", self.prefix / "config" / "jupyterhub_config.d" / "ocop.py", 0o600
        )

    def exchange(self) -> None:
        self.say(f"nbgrader exchange {EXCHANGE}")
        self.run("install", "-d", "-m", "1777", EXCHANGE)
        owner = self.args.course_owner
        if not owner:
            print("    (no --course-owner: the first trainer to release creates the course folder)", flush=True)
            return
        system_user = f"jupyter-{owner}"
        exists = True
        try:
            pwd.getpwnam(system_user)
        except KeyError:
            exists = False
        if not exists:
            # What TLJH itself does at a user's first login: a private home.
            self.run("useradd", "--create-home", system_user)
            self.run("chmod", "0700", f"/home/{system_user}")
        self.run("install", "-d", "-m", "0755", "-o", system_user, f"{EXCHANGE}/{COURSE_ID}")

    def tljh_config(self) -> list[list[str]]:
        """The tljh-config commands that bring TLJH's config up to the settings file and roster."""
        wanted = load_yaml(Path(self.args.settings).read_text(encoding="utf-8")) or {}
        current = {}
        config_file = self.prefix / "config" / "config.yaml"
        if config_file.exists() and not self.dry_run:
            current = load_yaml(config_file.read_text(encoding="utf-8")) or {}
        if self.args.roster:
            ids = self.roster_ids(self.args.roster)
            users = wanted.setdefault("users", {})
            users["allowed"] = list(dict.fromkeys(list(users.get("allowed") or []) + ids))
        commands: list[list[str]] = []

        def walk(node, path, have):
            for key, value in node.items():
                here, had = path + [str(key)], (have or {}).get(key) if isinstance(have, dict) else None
                if isinstance(value, dict):
                    walk(value, here, had)
                elif isinstance(value, list):
                    for item in value:
                        if not (isinstance(had, list) and item in had):
                            commands.append(["add-item", ".".join(here), scalar(item)])
                elif value != had:
                    commands.append(["set", ".".join(here), scalar(value)])

        walk(wanted, [], current)
        return commands

    def roster_ids(self, roster: str) -> list[str]:
        """The roster's ids, checked by the kit itself (ocop roster import's rules) in the user environment."""
        code = (
            "import json, sys; from ocopkit.trainer.roster import RosterError, read_roster\n"
            "try:\n    print(json.dumps([p.id for p in read_roster(sys.argv[1])]))\n"
            "except RosterError as error:\n    sys.exit(str(error))"
        )
        if self.dry_run and not Path(self.user_python).exists():
            return ["ROSTER_IDS"]
        return json.loads(self.output(self.user_python, "-c", code, str(Path(roster).resolve())))

    def apply(self) -> None:
        self.say("TLJH settings (tljh-config)")
        for command in self.tljh_config():
            self.run("tljh-config", *command)
        self.run("tljh-config", "reload", "hub")
        self.run("tljh-config", "reload", "proxy")

    def main(self) -> int:
        self.check()
        self.python()
        self.packages()
        self.settings()
        self.exchange()
        self.apply()
        self.say("Done. Participants log in with their roster id and choose a password at first login.")
        return 0


def scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--settings", default=str(HERE / "tljh-config.yaml"), help="your copy of deploy/tljh/tljh-config.yaml"
    )
    parser.add_argument("--roster", help="roster CSV (id,name,province,...): its ids become allowed users")
    parser.add_argument("--course-owner", help="hub name of the trainer who releases and collects")
    parser.add_argument("--prefix", default=os.environ.get("TLJH_INSTALL_PREFIX", "/opt/tljh"))
    parser.add_argument("--user-python", help="the user environment's Python (default: PREFIX/user/bin/python)")
    parser.add_argument("--dry-run", action="store_true", help="print the steps and commands, change nothing")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(Installer(parse(None)).main())
