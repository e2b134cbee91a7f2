"""Load the real local hub as a cohort does on deadline day, and check that nothing is lost.

    sudo .venv/bin/python benchmarks/hub_load.py [--participants 40] [--ramp 120] [--rush 60] [--deadline 1800]

Root only, loopback only. It sets up a hub of its own (tests/hub_support.py:
its own state folder, ports and Linux users ``ocopb-gv``, ``ocopb-01`` ...),
then N participants arrive over ``--ramp`` seconds; each logs in, spawns a
server (a real ``jupyterhub-singleuser`` as their own user), opens a lesson,
fetches Topic 8, saves an answered notebook and validates it (nbgrader's
validate runs it in a kernel that ends with the validation). Once all are
ready, the deadline rush: every participant submits at a random moment within
``--rush`` seconds. Then the trainer collects and grades as the hub does
(``ocop hub grade``, sandboxed) and exports (``ocop export``).

It prints the spawn latency (median, p95), the request error rate, the
submissions collected against those made, the memory of the participants'
servers, and ends on one line::

    participants N; submitted S; collected C; lost L; spawn p95 X s

A submit is lost when the participant saw it succeed and it is not collected,
graded and in the export. Everything is bounded by ``--deadline`` seconds;
the hub stops and its state, and the users this run created, are removed at
the end, also on Ctrl-C. The exit code is 1 when anything was lost or failed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests")]

import requests  # noqa: E402

from hub_support import hub_unavailable_reason, running_hub  # noqa: E402

ASSIGNMENT = "topic08"
NOTEBOOK = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
ANSWERED = REPO / "tests" / "submissions" / ASSIGNMENT / "full" / f"{ASSIGNMENT}.ipynb"
LESSON = "bai-hoc/08-ocop-criteria.ipynb"
TRAINER = "ocopb-gv"
MIB = 2**20


# ---------------------------------------------------------------- counting every request


@dataclass
class Tally:
    """Every HTTP request the benchmark makes (participants' and trainer's), and those that failed."""

    requests: int = 0
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self) -> None:
        """Count through requests' Session.send, which every call of hub_support goes through."""
        send = requests.Session.send
        tally = self

        def counted(session, request, **kwargs):
            try:
                answer = send(session, request, **kwargs)
            except requests.RequestException:
                tally.add(error=True)
                raise
            tally.add(error=answer.status_code >= 400)
            return answer

        requests.Session.send = counted

    def add(self, error: bool) -> None:
        with self.lock:
            self.requests += 1
            self.errors += error


# ---------------------------------------------------------------- memory of the participants' processes


def pss(pid: str) -> int:
    """A process's proportional set size in bytes (shared pages split among their users), 0 when gone."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def memory_by_uid(uids: set[int]) -> dict[int, int]:
    """PSS of all processes of each uid in ``uids`` (servers and their kernels)."""
    totals = dict.fromkeys(uids, 0)
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            uid = os.stat(f"/proc/{pid}").st_uid
        except OSError:
            continue
        if uid in totals:
            totals[uid] += pss(pid)
    return totals


@dataclass
class MemoryWatch:
    """Samples the participants' memory every ``every`` seconds until stopped; keeps the peak total."""

    uids: set[int]
    every: float = 2.0
    peak: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> MemoryWatch:
        threading.Thread(target=self.run, daemon=True).start()
        return self

    def run(self) -> None:
        while not self.stop.wait(self.every):
            self.peak = max(self.peak, sum(memory_by_uid(self.uids).values()))


# ---------------------------------------------------------------- one participant


@dataclass
class Participant:
    """What one participant did and saw."""

    user: str
    arrive: float  # seconds after the start
    spawn_seconds: float | None = None
    ready: bool = False
    validated: bool = False
    submitted: bool = False  # the submit answered success: what the participant saw
    problem: str = ""


def prepare(person: Participant, hub, started: float, stop: threading.Event) -> None:
    """Arrive, log in, spawn, open a lesson, fetch, answer and validate; record what happened."""
    if stop.wait(max(0.0, started + person.arrive - time.monotonic())):
        return
    try:
        token = hub.token(person.user)
        mark = time.monotonic()
        hub.start_server(person.user, token)
        server = hub.wait_ready(person.user, token, mark + 120)
        person.spawn_seconds = time.monotonic() - mark
        assert server.get("lab").status_code == 200, "the Lab page"
        server.json("GET", f"api/contents/{LESSON}")  # what Lab reads to show the lesson
        server.fetch(hub.course_id, ASSIGNMENT)
        server.upload_notebook(NOTEBOOK, ANSWERED)
        person.ready = True
        person.validated = server.validate(NOTEBOOK) == {}  # {}: every visible check passed
    except Exception as error:  # a participant's failure is a figure, not the end of the run
        person.problem = f"{type(error).__name__}: {str(error)[:300]}"


def rush(person: Participant, hub, start: float, rush_seconds: float, stop: threading.Event) -> None:
    """Submit once, at a random moment of the rush, as the Assignment List's button does."""
    if not person.ready or stop.wait(max(0.0, start + random.uniform(0, rush_seconds) - time.monotonic())):
        return
    try:
        person.submitted = bool(hub.servers[person.user].submit(hub.course_id, ASSIGNMENT).get("success"))
    except Exception as error:
        person.problem = f"submit: {type(error).__name__}: {str(error)[:300]}"


def in_threads(target, people: list[Participant], *args, timeout: float) -> None:
    threads = [threading.Thread(target=target, args=(person, *args), daemon=True) for person in people]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))


# ---------------------------------------------------------------- the trainer's side


def collect_grade_export(hub, timeout: float) -> tuple[set[str], set[str], str]:
    """``ocop hub grade`` then ``ocop export``: who was collected, who is graded in the export, and the output."""
    done = hub.grade(ASSIGNMENT, workers=os.cpu_count() or 2, timeout=max(60.0, timeout))
    submitted = hub.course_dir / "submitted"
    collected = {user for user in hub.participants if (submitted / user / NOTEBOOK).is_file()}
    graded = set()
    if done.returncode == 0:
        rows = hub.export(ASSIGNMENT)
        graded = {row["participant_id"] for row in rows if row["score"] and row["status"] != "failed"}
    tail = "\n".join((done.stdout if done.returncode == 0 else done.stdout + done.stderr).strip().splitlines()[-3:])
    return collected, graded, tail


# ---------------------------------------------------------------- the run


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] if ordered else float("nan")


def new_users(names: list[str]) -> list[str]:
    """The names that are not Linux users yet: the ones this run creates and removes."""
    missing = []
    for name in names:
        try:
            pwd.getpwnam(name)
        except KeyError:
            missing.append(name)
    return missing


def remove_users(names: list[str]) -> None:
    for name in names:
        subprocess.run(["userdel", "--remove", name], capture_output=True, check=False)


def report(people: list[Participant], tally: Tally, memory: dict, collected: set, graded: set, tail: str) -> int:
    """Print the figures and the final line; return the exit code."""
    spawns = [p.spawn_seconds for p in people if p.spawn_seconds is not None]
    made = {p.user for p in people if p.submitted}
    lost = made - (collected & graded)
    n = len(people)
    print(
        f"spawned {len(spawns)}/{n}; spawn latency median {statistics.median(spawns or [0]):.1f} s, "
        f"p95 {percentile(spawns, 0.95):.1f} s, max {max(spawns or [0]):.1f} s"
    )
    print(f"validated {sum(p.validated for p in people)}/{n} (every visible check passed)")
    rate = tally.errors / tally.requests if tally.requests else 0.0
    print(f"requests {tally.requests}, errors {tally.errors} ({rate:.2%})")
    print(
        f"submissions made (seen to succeed) {len(made)}, collected {len(collected & made)}, "
        f"graded and in the export {len(graded & made)}"
    )
    print(
        f"memory per participant: server idle {memory['idle'] / MIB:.0f} MiB (PSS, median), "
        f"all processes at the peak {memory['peak'] / max(n, 1) / MIB:.0f} MiB; "
        f"hub and proxy {memory['hub'] / MIB:.0f} MiB"
    )
    print(f"grading: {tail}")
    for person in people:
        if person.problem:
            print(f"  {person.user}: {person.problem}")
    if lost:
        print(f"lost: {', '.join(sorted(lost))}")
    p95 = percentile(spawns, 0.95)
    figures = f"submitted {len(made)}; collected {len(collected & made)}; lost {len(lost)}"
    print(f"participants {n}; {figures}; spawn p95 {p95:.1f} s")
    return 0 if not lost and len(made) == n else 1


def hub_memory(hub) -> int:
    pids = [str(hub.hub.process.pid)]
    proxy = hub.settings.state_dir / "jupyterhub-proxy.pid"
    if proxy.exists():
        pids.append(proxy.read_text().strip())
    return sum(pss(pid) for pid in pids)


def run(args) -> int:
    names = [f"ocopb-{i:02d}" for i in range(1, args.participants + 1)]
    created = new_users([TRAINER, *names])
    tally, stop = Tally(), threading.Event()
    tally.install()
    deadline = time.monotonic() + args.deadline
    people = [Participant(name, args.ramp * i / max(1, len(names) - 1)) for i, name in enumerate(names)]
    try:
        with running_hub(trainer=TRAINER, participants=tuple(names), lessons=True) as hub:
            print(f"hub up at {hub.url} with {len(names)} participants; arriving over {args.ramp:.0f} s", flush=True)
            hub.release(ASSIGNMENT)
            uids = {pwd.getpwnam(name).pw_uid for name in names}
            watch = MemoryWatch(uids).start()
            started = time.monotonic()
            in_threads(prepare, people, hub, started, stop, timeout=deadline - time.monotonic())
            by_uid = memory_by_uid(uids)  # kernels gone: each validation's ended with it
            idle = statistics.median([by_uid[pwd.getpwnam(p.user).pw_uid] for p in people if p.ready] or [0])
            print(
                f"ready {sum(p.ready for p in people)}/{len(people)} after {time.monotonic() - started:.0f} s; "
                f"the rush: every participant submits within {args.rush:.0f} s",
                flush=True,
            )
            in_threads(rush, people, hub, time.monotonic(), args.rush, stop, timeout=deadline - time.monotonic())
            watch.stop.set()
            memory = {"idle": idle, "peak": watch.peak, "hub": hub_memory(hub)}
            collected, graded, tail = collect_grade_export(hub, deadline - time.monotonic())
            return report(people, tally, memory, collected, graded, tail)
    finally:
        stop.set()
        if not args.keep_users:
            remove_users(created)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=40, help="how many participants (40)")
    parser.add_argument("--ramp", type=float, default=120, help="seconds over which they arrive and spawn (120)")
    parser.add_argument("--rush", type=float, default=60, help="seconds in which all of them submit (60)")
    parser.add_argument("--deadline", type=float, default=1800, help="the whole run's limit in seconds (1800)")
    parser.add_argument("--keep-users", action="store_true", help="keep the Linux users it created (a faster rerun)")
    args = parser.parse_args(argv)
    reason = hub_unavailable_reason()
    if reason:
        print(f"hub_load: {reason}", file=sys.stderr)
        return 2
    # SIGTERM (a CI timeout) ends it as Ctrl-C does: the hub stops and what it made is removed.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with contextlib.suppress(KeyboardInterrupt):
        return run(args)
    print("hub_load: interrupted; the hub is stopped and its state removed", file=sys.stderr)
    return 130


if __name__ == "__main__":
    sys.exit(main())
