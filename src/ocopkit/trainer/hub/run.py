"""Start and stop the hub: in the foreground for ``make hub``, in the background for tests.

JupyterHub runs from the course environment, as root (its spawner starts each
account's server as that account's Linux user), with its state (database,
cookie secret, proxy pid) in the settings' state folder.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from .setup import HubSettings, SetupError


def port_in_use(ip: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((ip, port))
        except OSError:
            return True
    return False


def free_port() -> int:
    """A port nothing listens on now, on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def alive(pid: int) -> bool:
    """Whether ``pid`` runs: a zombie does not (a server left by a restarted hub has no parent to reap it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def process_uid(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Uid:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class Hub:
    """One JupyterHub process for a set of :class:`HubSettings` (already prepared).

    Examples
    --------
    >>> with Hub(settings) as hub:  # doctest: +SKIP
    ...     print(hub.url)
    """

    def __init__(self, settings: HubSettings):
        self.settings = settings
        self.process: subprocess.Popen | None = None
        self.log_path = settings.state_dir / "jupyterhub.log"

    @property
    def url(self) -> str:
        return self.settings.url

    def command(self) -> list[str]:
        return [str(self.settings.env_bin / "jupyterhub"), "-f", str(self.settings.config_file)]

    def environment(self) -> dict[str, str]:
        """The hub's own environment: nothing of the caller's (a test's venv, CI's variables) leaks in."""
        return {
            "PATH": f"{self.settings.env_bin}:/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "HOME": "/root",
            "USER": "root",
            "LOGNAME": "root",
        }

    def check_ports(self) -> None:
        s = self.settings
        for what, port in (("the hub", s.port), ("the hub's API", s.hub_port), ("the proxy's API", s.proxy_api_port)):
            if port_in_use(s.ip, port):
                raise SetupError(
                    f"Port {port} ({what}) on {s.ip} is in use: is another hub running? Stop it, "
                    "or choose other ports (make hub HUB_PORT=8010, or ocop hub serve --port ...)."
                )

    def start(self, foreground: bool = False, timeout: float = 90) -> Hub:
        """Start JupyterHub and wait until it answers.

        In the background (the default) its output goes to ``jupyterhub.log``
        in the state folder, and it runs in a session of its own so that
        :meth:`stop` ends it with everything it started. In the foreground it
        shares the terminal: Ctrl-C reaches it directly.
        """
        self.check_ports()
        if foreground:
            self.process = subprocess.Popen(self.command(), cwd=self.settings.state_dir, env=self.environment())
        else:
            log = open(self.log_path, "ab")
            self.process = subprocess.Popen(
                self.command(),
                cwd=self.settings.state_dir,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            log.close()
        self.wait_ready(timeout)
        return self

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log: the hub wrote to the terminal)"

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SetupError(
                    f"JupyterHub stopped while starting (exit {self.process.returncode}):\n" + self.log_tail()
                )
            try:
                with urllib.request.urlopen(f"{self.url}/hub/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        self.stop()
        raise SetupError(f"JupyterHub did not answer on {self.url} within {timeout:.0f} s:\n" + self.log_tail())

    def server_pids(self) -> dict[str, int]:
        """The pid of each running user server, from the hub's database."""
        database = self.settings.state_dir / "jupyterhub.sqlite"
        if not database.exists():
            return {}
        pids = {}
        try:
            with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as db:
                rows = db.execute(
                    "SELECT users.name, spawners.state FROM spawners JOIN users ON users.id = spawners.user_id"
                ).fetchall()
        except sqlite3.Error:
            return {}
        for name, state in rows:
            try:
                pid = json.loads(state or "{}").get("pid")
            except (TypeError, ValueError):
                pid = None
            if pid:
                pids[name] = int(pid)
        return pids

    def terminate(self, timeout: float = 30) -> None:
        """Stop the hub process alone (SIGTERM, then SIGKILL); users' servers keep running."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def restart(self, timeout: float = 90) -> Hub:
        """Stop the hub and start it again, as an update or a crash would; the users' servers survive.

        The configuration keeps them (``cleanup_servers = False``): the new hub
        finds them in its database and routes to them again.
        """
        self.terminate()
        return self.start(timeout=timeout)

    def stop(self, timeout: float = 30) -> None:
        """Stop the hub, the users' servers it started and its proxy (ended by pid, none other)."""
        if self.process is None:
            return
        servers = self.server_pids()
        self.terminate(timeout)
        self.end_leftovers(servers)
        self.process = None

    def end_leftovers(self, servers: dict[str, int]) -> None:
        """End the servers (user name to pid) still run by their user, and this hub's proxy, if any."""
        import pwd

        uids = {}
        for name in self.settings.users:
            try:
                uids[name] = pwd.getpwnam(name).pw_uid
            except KeyError:
                pass
        ending = [pid for name, pid in servers.items() if alive(pid) and process_uid(pid) == uids.get(name)]
        for pid in ending:  # only servers this hub started, still run by their user
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 15  # they save and stop their kernels; a next setup may empty their homes
        while any(alive(pid) for pid in ending) and time.monotonic() < deadline:
            time.sleep(0.1)
        for pid in ending:
            if alive(pid) and process_uid(pid) in uids.values():
                os.kill(pid, signal.SIGKILL)
        proxy_pid_file = self.settings.state_dir / "jupyterhub-proxy.pid"
        if proxy_pid_file.exists():
            try:
                pid = int(proxy_pid_file.read_text().strip())
                if alive(pid) and "configurable-http-proxy" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace"):
                    os.kill(pid, signal.SIGTERM)
            except (ValueError, OSError):
                pass

    def serve(self) -> int:
        """Run in the foreground until Ctrl-C (``make hub``); return the hub's exit code."""
        self.start(foreground=True)
        print(banner(self.settings), flush=True)
        try:
            return self.wait_foreground()
        finally:
            # The hub leaves users' servers running (a restart must not stop them); make hub's Ctrl-C does.
            self.end_leftovers(self.server_pids())

    def wait_foreground(self) -> int:
        try:
            return self.process.wait()
        except KeyboardInterrupt:
            # The terminal sent SIGINT to the hub too; give it time to stop.
            try:
                return self.process.wait(30)
            except (subprocess.TimeoutExpired, KeyboardInterrupt):
                self.process.terminate()
                return self.process.wait()

    def __enter__(self) -> Hub:
        if self.process is None:
            self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def banner(settings: HubSettings) -> str:
    """What ``make hub`` prints once the hub answers: where, who, and how."""
    width = max(len(settings.url) + 30, 60)
    line = "=" * width
    return f"""
{line}
OCOP course hub: {settings.url}   (Ctrl-C stops it)

  Trainer:      {settings.trainer}
                course directory {settings.course_dir}
                Nbgrader menu: Formgrader, Create Assignment, Assignment List
  Participants: {", ".join(settings.participants)}
                Nbgrader menu: Assignment List; Validate on the notebook toolbar
  Password of every account (development only): {settings.password}
  Language of the tools: {settings.lang}   (make hub LANG_OCOP=en for English)

  Grade in the sandbox, as root:  {settings.env_bin}/ocop hub grade ASSIGNMENT
{line}
"""
