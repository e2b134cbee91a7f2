"""A real local JupyterHub for tests: real Linux users, the course environment, nbgrader's exchange.

Use the ``hub`` fixture in a test module (module scope: one hub for the module)::

    from hub_support import hub  # noqa: F401  (the fixture)

    def test_something(hub):
        lan = hub.spawn(hub.participants[0])       # logs in, makes a token, starts the server
        assert lan.get("api/status").status_code == 200

``HubHandle`` also does what the trainer does (``release``, ``grade`` with ``ocop hub grade``,
``export``) and ``UserServer`` what a participant does (``fetch``, ``validate``, ``submit``);
``running_hub(exchange_size="16m")`` puts the exchange on a small tmpfs, a disk that can fill up.
``benchmarks/hub_load.py`` drives the same helpers for N participants.

The hub never collides with a running ``make hub``: it has its own state
folder (database, configuration, exchange, hub-wide nbgrader_config.py), its
own free ports and its own users (``ocopt-gv``, ``ocopt-lan``, ``ocopt-hung``,
whose homes are emptied at the start). It shares only the course environment
(/opt/ocop-course-kit/env), which setup builds, or updates when the kit
changed. Needs root; without it the tests skip (and fail under CI).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from ocopkit.trainer.hub import setup
from ocopkit.trainer.hub.run import Hub, free_port

from conftest import REPO, require

TRAINER = "ocopt-gv"
PARTICIPANTS = ("ocopt-lan", "ocopt-hung")
CONFIG_DATA = re.compile(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', re.S)


def succeeded(answer: dict, what: str = "") -> dict:
    """nbgrader's endpoints answer 200 with ``success`` false when they fail: check it."""
    assert answer.get("success"), f"{what}: {answer}"
    return answer


def hub_unavailable_reason() -> str | None:
    """Why a hub cannot run here (None when it can): root, and a way to get configurable-http-proxy."""
    reason = setup.root_reason()
    if reason:
        return reason
    if not (shutil.which("configurable-http-proxy") or shutil.which("npm") or shutil.which("apt-get")):
        return (
            "JupyterHub's proxy needs npm: install Node.js and npm "
            "(apt-get install nodejs npm), then npm install -g " + setup.PROXY_PACKAGE
        )
    return None


@dataclass
class UserServer:
    """A user's running single-user server, reached through the hub with the user's API token."""

    hub: HubHandle
    user: str
    token: str
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self):
        self.session.headers["Authorization"] = f"token {self.token}"

    @property
    def base(self) -> str:
        return f"{self.hub.url}/user/{self.user}/"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 120)
        kwargs.setdefault("allow_redirects", False)
        return self.session.request(method, self.base + path.lstrip("/"), **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def json(self, method: str, path: str, **kwargs):
        """Call and decode JSON, failing with the server's own answer when the call did not succeed."""
        answer = self.request(method, path, **kwargs)
        assert answer.status_code < 300, f"{method} {path} as {self.user}: {answer.status_code} {answer.text[:2000]}"
        return answer.json()

    def fetch(self, course_id: str, assignment: str) -> dict:
        """Fetch a released assignment through the Assignment List's endpoint."""
        return succeeded(
            self.json("POST", "assignments/fetch", data={"course_id": course_id, "assignment_id": assignment})
        )

    def validate(self, path: str) -> dict:
        """Run the notebook's visible checks (nbgrader's validate, a kernel of its own that ends with it)."""
        return succeeded(self.json("POST", "assignments/validate", data={"path": path}))["value"]

    def submit(self, course_id: str, assignment: str) -> dict:
        """Submit as the Assignment List's button does; the answer as the participant sees it (success or not)."""
        answer = self.post("assignments/submit", data={"course_id": course_id, "assignment_id": assignment})
        assert answer.status_code == 200, f"submit as {self.user}: {answer.status_code} {answer.text[:500]}"
        return answer.json()

    def upload_notebook(self, path: str, notebook_file: Path) -> None:
        content = json.loads(Path(notebook_file).read_text(encoding="utf-8"))
        self.json("PUT", f"api/contents/{path}", json={"type": "notebook", "format": "json", "content": content})

    def page_config(self, page: str = "lab") -> dict:
        """The page configuration JupyterLab gets (disabled extensions and the like)."""
        answer = self.get(page)
        assert answer.status_code == 200, f"{page} as {self.user}: {answer.status_code}"
        return json.loads(CONFIG_DATA.search(answer.text).group(1))

    def pid(self) -> int:
        """The pid of this server's process, as the hub recorded it."""
        return self.hub.hub.server_pids()[self.user]


@dataclass
class HubHandle:
    """A running hub with its settings, accounts and helpers."""

    settings: setup.HubSettings
    hub: Hub
    servers: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.settings.url

    @property
    def password(self) -> str:
        return self.settings.password

    @property
    def trainer(self) -> str:
        return self.settings.trainer

    @property
    def participants(self) -> tuple[str, ...]:
        return self.settings.participants

    @property
    def course_id(self) -> str:
        return self.settings.course_id

    @property
    def course_dir(self) -> Path:
        return self.settings.course_dir

    def home(self, user: str) -> Path:
        return self.settings.home(user)

    def login(self, user: str, password: str | None = None) -> requests.Session:
        """Log in on the hub's login page as a browser does; return the session (cookies, _xsrf)."""
        session = requests.Session()
        page = session.get(f"{self.url}/hub/login", timeout=30)
        assert page.status_code == 200, page.text[:500]
        xsrf = session.cookies.get("_xsrf", path="/hub/") or session.cookies.get("_xsrf")
        answer = session.post(
            f"{self.url}/hub/login?next=",
            timeout=30,
            allow_redirects=False,
            data={"username": user, "password": password or self.password, "_xsrf": xsrf},
        )
        session.login_status = answer.status_code
        # The hub ties _xsrf to the login session: it sets a new one on login.
        session.xsrf = session.cookies.get("_xsrf", path="/hub/") or xsrf
        return session

    def token(self, user: str) -> str:
        """A new API token of ``user``, made through a logged-in session as a person would."""
        session = self.login(user)
        assert session.login_status == 302, f"{user} could not log in ({session.login_status})"
        answer = session.post(
            f"{self.url}/hub/api/users/{user}/tokens",
            timeout=30,
            json={"note": "ocop hub test", "expires_in": 3600},
            headers={"X-XSRFToken": session.xsrf, "Referer": f"{self.url}/hub/token"},
        )
        assert answer.status_code == 201, f"token for {user}: {answer.status_code} {answer.text[:500]}"
        return answer.json()["token"]

    def start_server(self, user: str, token: str) -> None:
        """Ask the hub to start ``user``'s server (it answers before the server is ready)."""
        answer = requests.post(
            f"{self.url}/hub/api/users/{user}/server", timeout=30, headers={"Authorization": f"token {token}"}
        )
        assert answer.status_code in (201, 202), f"spawn {user}: {answer.status_code} {answer.text[:500]}"

    def wait_ready(self, user: str, token: str, deadline: float) -> UserServer:
        """Poll the hub until ``user``'s server is ready (``deadline`` on the monotonic clock); return its client."""
        while True:
            model = requests.get(
                f"{self.url}/hub/api/users/{user}", timeout=30, headers={"Authorization": f"token {token}"}
            ).json()
            server = model.get("servers", {}).get("")
            if server and server.get("ready"):
                break
            if time.monotonic() > deadline or not model.get("pending") and not server:
                raise AssertionError(f"{user}'s server did not start in time:\n" + self.hub.log_tail())
            time.sleep(0.3)
        self.servers[user] = UserServer(self, user, token)
        return self.servers[user]

    def spawn(self, *users: str, timeout: float = 120) -> UserServer | list[UserServer]:
        """Start users' servers (once each, all at the same time) and wait until they are ready.

        Returns the client of the one user's server, or a list of clients when given several users.
        """
        tokens = {user: self.token(user) for user in users if user not in self.servers}
        for user, token in tokens.items():
            self.start_server(user, token)
        deadline = time.monotonic() + timeout
        for user, token in tokens.items():
            self.wait_ready(user, token, deadline)
        clients = [self.servers[user] for user in users]
        return clients[0] if len(users) == 1 else clients

    def forget(self, user: str) -> None:
        """Drop the client of a server that is gone (killed, stopped): the next :meth:`spawn` starts it again."""
        self.servers.pop(user, None)

    def release(self, assignment: str) -> dict:
        """Release ``assignment`` from the trainer's formgrader, as the trainer's button does."""
        return succeeded(self.spawn(self.trainer).json("POST", f"formgrader/api/assignment/{assignment}/release"))

    def grade(self, assignment: str, workers: int = 2, timeout: float = 900) -> subprocess.CompletedProcess:
        """Collect from the exchange and grade in the sandbox as root: ``ocop hub grade`` (in English)."""
        argv = [self.settings.env_bin / "ocop", "hub", "grade", assignment]
        argv += ["--state-dir", self.settings.state_dir, "--workers", str(workers)]
        return subprocess.run(
            [str(a) for a in argv],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "OCOP_LANG": "en"},
        )

    def export(self, assignment: str) -> list[dict]:
        """The grades ``ocop export`` writes for ``assignment``, as the trainer, read back as rows."""
        target = self.home(self.trainer) / f"export-{assignment}.csv"
        done = self.run_as(
            self.trainer,
            [
                self.settings.env_bin / "ocop",
                "export",
                "--assignment",
                assignment,
                "--to",
                target,
                "--course-dir",
                self.course_dir,
            ],
        )
        assert done.returncode == 0, done.stdout + done.stderr
        with open(target, encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))

    def run_as(self, user: str, argv: list[str], **kwargs) -> subprocess.CompletedProcess:
        """Run a command as ``user``'s Linux account, with the environment the hub gives its server."""
        return setup.run_as(self.settings, user, argv, check=False, **kwargs)


@contextlib.contextmanager
def small_filesystem(folder: Path, size: str):
    """Mount a tmpfs of ``size`` (``"16m"``) on ``folder`` (as root): a disk that fills up; unmounted after."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "ocop-test-exchange", str(folder)],
        capture_output=True,
        text=True,
    )
    require(done.returncode and f"cannot mount a small filesystem here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=False)


@contextlib.contextmanager
def running_hub(exchange_size: str | None = None, **overrides):
    """Set up and start a hub of its own (state folder, ports, users); stop it and remove its state after.

    Parameters
    ----------
    exchange_size : str, optional
        Put the exchange on a tmpfs of this size (``"16m"``), for a disk that fills up.
    **overrides
        :class:`setup.HubSettings` fields (``participants``, ``lessons``, ...).
    """
    require(hub_unavailable_reason())
    state = Path(tempfile.mkdtemp(prefix="ocop-hub-test-", dir="/tmp"))
    ports = set()
    while len(ports) < 3:
        ports.add(free_port())
    port, hub_port, proxy_api_port = sorted(ports)
    options = dict(
        state_dir=state,
        exchange_dir=state / "exchange",
        nbgrader_config_dir=state / "etc-jupyter",
        trainer=TRAINER,
        participants=PARTICIPANTS,
        password=secrets.token_urlsafe(12),
        port=port,
        hub_port=hub_port,
        proxy_api_port=proxy_api_port,
        repo=REPO,
        assignments=("topic08",),
        lessons=False,
        fresh_homes=True,
    )
    options.update(overrides)
    hub = None
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(remove_state, state)
        if exchange_size:
            cleanup.enter_context(small_filesystem(Path(options["exchange_dir"]), exchange_size))
        try:
            settings = setup.prepare(setup.HubSettings(**options))
            hub = Hub(settings).start()
            yield HubHandle(settings, hub)
        finally:
            if hub is not None:
                hub.stop()


def remove_state(state: Path) -> None:
    if os.environ.get("OCOP_KEEP_HUB_STATE"):
        print(f"hub state kept in {state}")
    else:
        shutil.rmtree(state, ignore_errors=True)


@pytest.fixture(scope="module")
def hub():
    """A running local JupyterHub (see the module's docstring); stopped after the module."""
    with running_hub() as handle:
        yield handle
