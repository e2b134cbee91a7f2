"""Memory and CPU of one participant on the hub: a Jupyter server plus the kernels of the lessons they run.

What a hub has to hold per participant is one single-user server (what
``jupyterhub-singleuser`` runs: jupyter-server with JupyterLab, the notebook and
nbgrader extensions) and one kernel per open notebook. This script starts that
server for real on 127.0.0.1 with a token, then does what a participant's browser
does, over the server's own REST API and kernel websockets:

1. waits for ``/api/status`` (the spawn), then opens JupyterLab (``/lab``, its
   settings, translations, the file browser listing);
2. for each lesson, opens the notebook (contents API), starts a session (a new
   kernel, as Lab does) and executes every code cell in order through the
   kernel's websocket (``/api/kernels/ID/channels``), failing if a cell errors;
3. moves the lesson's sliders a few times (``--interactions``), as a participant
   does: each change runs the same observers a browser's comm message runs;
4. reads the resident memory of the server process and of each kernel process:
   RSS and peak RSS (``VmHWM``) from ``/proc/PID/status``, and PSS and USS
   (private pages) from ``/proc/PID/smaps_rollup``;
5. shuts the kernels down and reads the server alone again (an idle participant
   whose kernels were culled).

CPU per spawn is the server process's CPU time (user + system, its waited-for
children included) from exec until ``/api/status`` answers, and each kernel's
CPU time from its start until it answered ``kernel_info`` and ran the lesson's
first cell (the imports).

By default the server runs with the participant's settings from
``deploy/participant`` (formgrader, course list and jupyter_lsp off, nbgrader's
Assignment List and Validate endpoints loaded on first use, kernels without
debugpy, idle kernels culled), as the hub runs it; ``--role trainer`` runs every
extension with the environment's own kernel.

Usage::

    python benchmarks/participant_footprint.py               # 3 runs, participant settings
    python benchmarks/participant_footprint.py --runs 5 --role trainer
    python benchmarks/participant_footprint.py --json        # machine-readable figures

It prints one line per run and the median of the runs. It is a measurement, not a
test: figures depend on the machine; ``deploy/sizing.toml`` records the ones the
deployment settings are derived from (``docs/performance.md``, "Participants per
server").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

REPO = Path(__file__).resolve().parents[1]
LESSONS = ["course/08-ocop-criteria.ipynb", "course/00-participant-tools.ipynb"]
PARTICIPANT_CONFIG = REPO / "deploy" / "participant"
CLK_TCK = os.sysconf("SC_CLK_TCK")
MIB = 1024 * 1024

# What the first load of JupyterLab asks the server for, besides static files.
LAB_REQUESTS = [
    "/lab",
    "/lab/api/settings",
    "/lab/api/translations/default",
    "/lab/api/workspaces/default",
    "/api/kernelspecs",
    "/api/contents?content=1",
    "/api/sessions",
    "/api/kernels",
    "/api/terminals",
    "/api/me",
]

# After a lesson ran: nudge every slider it created, round robin, as a participant
# dragging them would. The observers run exactly as for a browser's comm message.
INTERACT = """
import ipywidgets as _w
from ipywidgets.widgets.widget import _instances as _all
_sliders = [x for x in list(_all.values())
            if isinstance(x, (_w.IntSlider, _w.FloatSlider)) and x.max > x.min]
for _i in range({n}):
    if not _sliders:
        break
    _s = _sliders[_i % len(_sliders)]
    _s.value = _s.max if _s.value != _s.max else _s.min
print(len(_sliders))
"""


@dataclass
class Memory:
    rss: int
    peak_rss: int
    pss: int
    uss: int

    def mib(self) -> dict[str, float]:
        return {k: round(v / MIB, 1) for k, v in self.__dict__.items()}


@dataclass
class Kernel:
    lesson: str
    cells: int
    cpu_to_ready: float = 0.0
    cpu_after_lesson: float = 0.0
    seconds_to_ready: float = 0.0
    seconds_lesson: float = 0.0
    sliders: int = 0
    memory: Memory | None = None


@dataclass
class Run:
    server_cpu_to_ready: float = 0.0
    server_seconds_to_ready: float = 0.0
    server_cpu_after_lab: float = 0.0
    server_after_start: Memory | None = None
    server_after_lab: Memory | None = None
    server_active: Memory | None = None
    server_idle: Memory | None = None
    kernels: list[Kernel] = field(default_factory=list)


# --------------------------------------------------------------------------- /proc


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and of its children it waited for."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return (utime + stime + cutime + cstime) / CLK_TCK


def memory(pid: int) -> Memory:
    status = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        status[key] = value.strip()
    kib = lambda text: int(text.split()[0]) * 1024  # noqa: E731
    rss, peak = kib(status["VmRSS"]), kib(status["VmHWM"])
    pss = uss = rss
    rollup = Path(f"/proc/{pid}/smaps_rollup")
    if rollup.exists():
        values = {}
        for line in rollup.read_text().splitlines()[1:]:
            key, _, value = line.partition(":")
            values[key] = kib(value)
        pss = values.get("Pss", rss)
        uss = values.get("Private_Clean", 0) + values.get("Private_Dirty", 0)
    return Memory(rss=rss, peak_rss=peak, pss=pss, uss=uss)


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").iterdir():
            children = (task / "children").read_text().split()
            found += [int(c) for c in children]
            todo += [int(c) for c in children]
    return found


def kernel_pid(server_pid: int, kernel_id: str) -> int:
    for pid in descendants(server_pid):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except FileNotFoundError:
            continue
        if any(kernel_id.encode() in part for part in cmdline):
            return pid
    raise RuntimeError(f"no process found for kernel {kernel_id}")


# --------------------------------------------------------------------------- HTTP


class Server:
    def __init__(self, root: Path, home: Path, role: str):
        self.root, self.home, self.role = root, home, role
        self.token = uuid.uuid4().hex
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        for name in (
            "JUPYTER_CONFIG_DIR",
            "JUPYTER_RUNTIME_DIR",
            "IPYTHONDIR",
            "JUPYTERLAB_SETTINGS_DIR",
            "JUPYTERLAB_WORKSPACES_DIR",
        ):
            env.pop(name, None)
        env.update(
            HOME=str(self.home),
            JUPYTER_CONFIG_DIR=str(self.home / ".jupyter"),
            JUPYTER_RUNTIME_DIR=str(self.home / "runtime"),
            IPYTHONDIR=str(self.home / ".ipython"),
            OCOP_LANG="vi",
            PYTHONUNBUFFERED="1",
        )
        # Keep the machine's matplotlib font cache: a hub image carries a built one.
        env.setdefault("MPLCONFIGDIR", str(Path(os.path.expanduser("~")) / ".config" / "matplotlib"))
        env.pop("MPLBACKEND", None)  # kernels use the inline backend, as on the hub
        if self.role == "participant":
            env["JUPYTER_CONFIG_PATH"] = str(PARTICIPANT_CONFIG)
        else:
            env.pop("JUPYTER_CONFIG_PATH", None)
        return env

    def start(self) -> float:
        cmd = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.open_browser=False",
            f"--LabApp.user_settings_dir={self.home / 'lab-settings'}",
            f"--LabApp.workspaces_dir={self.home / 'lab-workspaces'}",
        ]
        log = open(self.home / "server.log", "wb")
        started = time.monotonic()
        self.process = subprocess.Popen(
            cmd, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = started + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the server exited; see " + str(self.home / "server.log"))
            try:
                if self.get("/api/status")[0] == 200:
                    return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("the server did not answer within 120 s")

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def get(self, path: str) -> tuple[int, bytes]:
        return self.request("GET", path)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# --------------------------------------------------------------------------- kernel websocket


def message(msg_type: str, content: dict, session: str) -> dict:
    return {
        "header": {
            "msg_id": uuid.uuid4().hex,
            "msg_type": msg_type,
            "session": session,
            "username": "participant",
            "version": "5.3",
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        },
        "parent_header": {},
        "metadata": {},
        "content": content,
        "channel": "shell",
        "buffers": [],
    }


class Channels:
    """The kernel websocket a notebook tab holds, in Jupyter's JSON wire format."""

    def __init__(self, server: Server, kernel_id: str):
        self.server, self.kernel_id, self.session = server, kernel_id, uuid.uuid4().hex
        self.ws = None

    async def connect(self) -> None:
        url = f"ws://127.0.0.1:{self.server.port}/api/kernels/{self.kernel_id}/channels?session_id={self.session}"
        request = HTTPRequest(url, headers={"Authorization": f"token {self.server.token}"})
        self.ws = await websocket_connect(request, max_message_size=256 * MIB)

    async def call(self, msg_type: str, content: dict, timeout: float) -> tuple[dict, list[str]]:
        """Send one shell request; return its reply once the kernel is idle again, and any errors."""
        msg = message(msg_type, content, self.session)
        await self.ws.write_message(json.dumps(msg))
        msg_id, reply, idle, errors = msg["header"]["msg_id"], None, False, []
        deadline = time.monotonic() + timeout
        while reply is None or not idle:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{msg_type} got no answer within {timeout} s")
            raw = await asyncio.wait_for(self.ws.read_message(), left)
            if raw is None:
                raise RuntimeError("the kernel websocket closed")
            if isinstance(raw, bytes):  # binary frames carry widget buffers
                continue
            incoming = json.loads(raw)
            if incoming.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = incoming["header"]["msg_type"]
            if kind == msg_type.replace("_request", "_reply"):
                reply = incoming
            elif kind == "status" and incoming["content"].get("execution_state") == "idle":
                idle = True
            elif kind == "error":
                errors.append(f"{incoming['content']['ename']}: {incoming['content']['evalue']}")
            elif kind == "stream" and msg_type == "execute_request":
                self.last_stdout = incoming["content"].get("text", "")
        return reply, errors

    async def execute(self, code: str, timeout: float = 300) -> str:
        self.last_stdout = ""
        reply, errors = await self.call(
            "execute_request",
            {
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": True,
            },
            timeout,
        )
        if reply["content"]["status"] != "ok" or errors:
            raise RuntimeError("a cell failed: " + "; ".join(errors or [reply["content"].get("evalue", "?")]))
        return self.last_stdout

    async def close(self) -> None:
        if self.ws is not None:
            self.ws.close()


# --------------------------------------------------------------------------- one run


async def run_lesson(server: Server, lesson: Path, interactions: int) -> Kernel:
    rel = lesson.name
    cells = [c for c in json.loads(lesson.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    kernel = Kernel(lesson=rel, cells=len(cells))
    status, _ = server.get(f"/api/contents/{rel}?content=1&type=notebook")
    assert status == 200, f"opening {rel}: HTTP {status}"
    started = time.monotonic()
    status, body = server.request(
        "POST", "/api/sessions", {"path": rel, "name": rel, "type": "notebook", "kernel": {"name": "python3"}}
    )
    assert status == 201, f"starting a session for {rel}: HTTP {status} {body[:200]!r}"
    kernel_id = json.loads(body)["kernel"]["id"]
    pid = kernel_pid(server.process.pid, kernel_id)
    channels = Channels(server, kernel_id)
    await channels.connect()
    try:
        for _ in range(600):  # the first kernel_info may be sent before the kernel listens
            try:
                await channels.call("kernel_info_request", {}, timeout=2)
                break
            except TimeoutError:
                continue
        kernel.seconds_to_ready = time.monotonic() - started
        started = time.monotonic()
        for number, cell in enumerate(cells):
            await channels.execute("".join(cell["source"]))
            if number == 0:
                kernel.cpu_to_ready = cpu_seconds(pid)
        if interactions:
            kernel.sliders = int(await channels.execute(INTERACT.format(n=interactions)) or 0)
        kernel.seconds_lesson = time.monotonic() - started
        kernel.cpu_after_lesson = cpu_seconds(pid)
        kernel.memory = memory(pid)
    finally:
        await channels.close()
    return kernel


async def one_run(lessons: list[Path], role: str, interactions: int) -> Run:
    run = Run()
    with tempfile.TemporaryDirectory(prefix="ocop-footprint-") as tmp:
        root, home = Path(tmp) / "work", Path(tmp) / "home"
        root.mkdir()
        home.mkdir()
        for lesson in lessons:
            shutil.copy(lesson, root / lesson.name)
        server = Server(root, home, role)
        try:
            run.server_seconds_to_ready = server.start()
            pid = server.process.pid
            run.server_cpu_to_ready = cpu_seconds(pid)
            run.server_after_start = memory(pid)
            for path in LAB_REQUESTS:
                server.get(path)
            formgrader = server.get("/formgrader")[0]
            if role == "participant" and formgrader != 404:
                raise RuntimeError(f"formgrader answered {formgrader}: the participant settings were not applied")
            run.server_cpu_after_lab = cpu_seconds(pid)
            run.server_after_lab = memory(pid)
            for lesson in lessons:
                run.kernels.append(await run_lesson(server, lesson, interactions))
            run.server_active = memory(pid)
            status, body = server.get("/api/sessions")
            for session in json.loads(body):
                server.request("DELETE", f"/api/sessions/{session['id']}")
            deadline = time.monotonic() + 30
            while descendants(pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(1)
            run.server_idle = memory(pid)
        finally:
            server.stop()
    return run


# --------------------------------------------------------------------------- report


def median(values):
    return round(statistics.median(values), 2)


def summarise(runs: list[Run], role: str, interactions: int) -> dict:
    def mem(getter):
        return {k: median([getattr(getter(r), k) / MIB for r in runs]) for k in ("rss", "peak_rss", "pss", "uss")}

    lessons = [k.lesson for k in runs[0].kernels]
    kernels = {}
    for i, name in enumerate(lessons):
        kernels[name] = {
            "cells": runs[0].kernels[i].cells,
            "sliders_moved": runs[0].kernels[i].sliders,
            "seconds_to_ready": median([r.kernels[i].seconds_to_ready for r in runs]),
            "cpu_seconds_to_first_cell_done": median([r.kernels[i].cpu_to_ready for r in runs]),
            "cpu_seconds_whole_lesson": median([r.kernels[i].cpu_after_lesson for r in runs]),
            "seconds_whole_lesson": median([r.kernels[i].seconds_lesson for r in runs]),
            "memory_mib": mem(lambda r, i=i: r.kernels[i].memory),
        }
    server = {
        "seconds_to_ready": median([r.server_seconds_to_ready for r in runs]),
        "cpu_seconds_to_ready": median([r.server_cpu_to_ready for r in runs]),
        "cpu_seconds_after_opening_lab": median([r.server_cpu_after_lab for r in runs]),
        "memory_mib_after_start": mem(lambda r: r.server_after_start),
        "memory_mib_after_opening_lab": mem(lambda r: r.server_after_lab),
        "memory_mib_with_kernels_running": mem(lambda r: r.server_active),
        "memory_mib_kernels_shut_down": mem(lambda r: r.server_idle),
    }
    heaviest = max(kernels.values(), key=lambda k: k["memory_mib"]["rss"])
    active = server["memory_mib_with_kernels_running"]["rss"] + heaviest["memory_mib"]["rss"]
    all_open = server["memory_mib_with_kernels_running"]["rss"] + sum(k["memory_mib"]["rss"] for k in kernels.values())
    spawn_cpu = server["cpu_seconds_after_opening_lab"] + max(
        k["cpu_seconds_to_first_cell_done"] for k in kernels.values()
    )
    return {
        "role": role,
        "runs": len(runs),
        "interactions_per_lesson": interactions,
        "python": sys.version.split()[0],
        "server": server,
        "kernels": kernels,
        "per_participant": {
            "active_rss_mib (server + heaviest lesson kernel)": round(active, 1),
            "every_lesson_open_rss_mib (server + all kernels above)": round(all_open, 1),
            "idle_rss_mib (server, kernels culled)": server["memory_mib_kernels_shut_down"]["rss"],
            "spawn_cpu_seconds (server to Lab open + first kernel imports)": round(spawn_cpu, 2),
        },
    }


def print_human(summary: dict, runs: list[Run]) -> None:
    print(
        f"Participant footprint: role={summary['role']}, {summary['runs']} run(s), "
        f"{summary['interactions_per_lesson']} slider moves per lesson, Python {summary['python']}"
    )
    for n, run in enumerate(runs, 1):
        kernels = ", ".join(
            f"{k.lesson} {k.memory.rss / MIB:.0f} MiB {k.cpu_after_lesson:.1f} s CPU" for k in run.kernels
        )
        print(
            f"  run {n}: server ready in {run.server_seconds_to_ready:.1f} s "
            f"({run.server_cpu_to_ready:.2f} s CPU), server {run.server_active.rss / MIB:.0f} MiB; {kernels}"
        )
    s = summary["server"]
    print("\nMedian of runs (MiB: RSS / peak RSS / PSS / USS)")
    fmt = lambda m: f"{m['rss']:.0f} / {m['peak_rss']:.0f} / {m['pss']:.0f} / {m['uss']:.0f}"  # noqa: E731
    print(f"  server just started        {fmt(s['memory_mib_after_start'])}")
    print(f"  server, Lab opened         {fmt(s['memory_mib_after_opening_lab'])}")
    print(f"  server, lessons running    {fmt(s['memory_mib_with_kernels_running'])}")
    print(f"  server, kernels shut down  {fmt(s['memory_mib_kernels_shut_down'])}")
    for name, k in summary["kernels"].items():
        print(f"  kernel {name:<32} {fmt(k['memory_mib'])}  ({k['cells']} cells, {k['sliders_moved']} sliders)")
    print("\nCPU seconds (median)")
    print(
        f"  server exec -> /api/status        {s['cpu_seconds_to_ready']:.2f} s CPU "
        f"({s['seconds_to_ready']:.2f} s wall)"
    )
    print(f"  server after opening Lab          {s['cpu_seconds_after_opening_lab']:.2f} s CPU")
    for name, k in summary["kernels"].items():
        print(
            f"  kernel {name:<26} {k['cpu_seconds_to_first_cell_done']:.2f} s CPU to ready and imports done, "
            f"{k['cpu_seconds_whole_lesson']:.2f} s CPU whole lesson ({k['seconds_whole_lesson']:.1f} s wall)"
        )
    print("\nPer participant")
    for key, value in summary["per_participant"].items():
        print(f"  {key}: {value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh servers to measure (median reported)")
    parser.add_argument(
        "--role",
        choices=["participant", "trainer"],
        default="participant",
        help="participant: the hub's participant settings; trainer: every extension on",
    )
    parser.add_argument(
        "--interactions", type=int, default=30, help="slider moves after each lesson, as a participant tries the tools"
    )
    parser.add_argument(
        "--lesson", action="append", help="lesson notebook (repeatable); default: " + ", ".join(LESSONS)
    )
    parser.add_argument("--warmup", type=int, default=1, help="unreported runs first (disk caches)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    lessons = [REPO / p for p in (args.lesson or LESSONS)]
    for _ in range(args.warmup):
        asyncio.run(one_run(lessons, args.role, args.interactions))
    runs = [asyncio.run(one_run(lessons, args.role, args.interactions)) for _ in range(args.runs)]
    summary = summarise(runs, args.role, args.interactions)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print_human(summary, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
