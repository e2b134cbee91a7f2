"""Faults on the real local hub, with nothing lost (issue 18).

One hub for the module (tests/hub_support.py), its exchange on a small tmpfs
that a test fills up. Three participants fetch Topic 8 and answer it; then:

- the exchange's disk is full: the participant is told, in Vietnamese, that
  the submission did not go through, and nothing half-written is left where
  collect would take it;
- a participant's server is killed while it saves a notebook: the next
  server puts the last good version back, and the participant goes on;
- the hub process is restarted in the middle of a deadline rush: the
  participants' servers are the same processes after it, answer again, and
  every submit a participant saw succeed is in the exchange;
- the trainer collects and grades while participants still submit: nothing
  half-written is graded, and the newest submission of each participant is
  collected, graded and in the export.

Every wait polls a condition against a deadline; none sleeps a fixed time.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from ocopkit.i18n import get_language, set_language
from ocopkit.trainer.hub import recover, submit

from conftest import SUBMISSIONS
from hub_support import running_hub

pytestmark = pytest.mark.slow

ASSIGNMENT = "topic08"
NOTEBOOK = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
ANSWERED = SUBMISSIONS / ASSIGNMENT / "full" / f"{ASSIGNMENT}.ipynb"
# Users of this module's own: another module's hub (test_hub.py's ocopt-*) empties its users' homes when it starts.
TRAINER = "ocopf-gv"
USERS = ("ocopf-lan", "ocopf-hung", "ocopf-mai")


def wait_for(condition, timeout: float, what: str, every: float = 0.1):
    """Poll ``condition`` until it returns something true; fail saying ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"{what}: not within {timeout:.0f} s")


@pytest.fixture(scope="module")
def hub():
    with running_hub(exchange_size="16m", trainer=TRAINER, participants=USERS) as handle:
        handle.release(ASSIGNMENT)
        for server in handle.spawn(*USERS):
            server.fetch(handle.course_id, ASSIGNMENT)
            server.upload_notebook(NOTEBOOK, ANSWERED)
        yield handle


def inbound(hub) -> Path:
    return hub.settings.exchange_dir / hub.course_id / "inbound"


def entries(hub, user: str) -> list[str]:
    """The participant's submissions of the assignment in the exchange, as collect would see them."""
    return sorted(name for name in os.listdir(inbound(hub)) if name.startswith(f"{user}+{ASSIGNMENT}+"))


def complete(hub, entry: str) -> bool:
    """Whether an inbound entry is whole: its notebook reads back and nbgrader's timestamp is there."""
    folder = inbound(hub) / entry
    return (folder / "timestamp.txt").is_file() and json.loads((folder / f"{ASSIGNMENT}.ipynb").read_text())["cells"]


# ---------------------------------------------------------------- the exchange's disk full


def filled(folder: Path, leave: int) -> Path:
    """Fill the filesystem of ``folder`` until only ``leave`` bytes are free (root's file, removed by the caller)."""
    filler = folder / "filler.bin"
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    with open(filler, "wb") as handle:
        chunk = b"\0" * (1 << 20)
        remaining = free - leave
        while remaining > 0:
            remaining -= handle.write(chunk[: min(len(chunk), remaining)])
    return filler


def big_answer(hub, user: str) -> None:
    """The answered notebook with 4 MB of output: larger than the room left in the exchange."""
    notebook = json.loads(ANSWERED.read_text(encoding="utf-8"))
    output = {"output_type": "stream", "name": "stdout", "text": "x" * (4 << 20)}
    notebook["cells"].append({"cell_type": "code", "metadata": {}, "source": "", "execution_count": None})
    notebook["cells"][-1]["outputs"] = [output]
    hub.servers[user].json(
        "PUT", f"api/contents/{NOTEBOOK}", json={"type": "notebook", "format": "json", "content": notebook}
    )


class TestExchangeFull:
    def test_the_participant_is_told_and_nothing_half_written_is_left(self, hub):
        user = USERS[0]
        before = entries(hub, user)
        big_answer(hub, user)
        filler = filled(hub.settings.exchange_dir, leave=1 << 20)
        try:
            answer = hub.servers[user].submit(hub.course_id, ASSIGNMENT)
        finally:
            filler.unlink()
        previous = get_language()
        set_language("vi")  # the cohort's language, as the participants' servers have it
        try:
            told = submit.failure_message(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
        finally:
            set_language(previous)
        assert not answer["success"]
        assert told in answer["value"] and "CHƯA được nộp" in told, answer["value"][-600:]
        assert entries(hub, user) == before  # no half-written entry under a name collect takes
        assert not [n for n in os.listdir(inbound(hub)) if n.startswith(submit.SENDING_PREFIX)]

    def test_with_room_again_the_same_submit_goes_through(self, hub):
        user = USERS[0]
        hub.servers[user].upload_notebook(NOTEBOOK, ANSWERED)
        before = entries(hub, user)
        assert hub.servers[user].submit(hub.course_id, ASSIGNMENT)["success"]
        (new,) = set(entries(hub, user)) - set(before)
        assert complete(hub, new)


# ---------------------------------------------------------------- a server killed while saving


def save_in_background(server, notebook: dict) -> threading.Thread:
    def save():
        try:
            server.put(
                f"api/contents/{NOTEBOOK}", json={"type": "notebook", "format": "json", "content": notebook}, timeout=60
            )
        except requests.RequestException:
            pass  # the server died under it: what the participant's browser sees too

    thread = threading.Thread(target=save, daemon=True)
    thread.start()
    return thread


def sources(notebook: dict) -> list[str]:
    return ["".join(cell["source"]) for cell in notebook["cells"]]


def kill_mid_write(server, target: Path, backup: Path, notebook: dict, good_size: int) -> bool:
    """Save ``notebook`` and SIGKILL the server once Jupyter has copied the old file aside and begun writing.

    Returns False when the save finished before the write was seen under way (the server still runs).
    """
    pid = server.pid()
    saving = save_in_background(server, notebook)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and saving.is_alive():
        try:
            writing = backup.exists() and target.stat().st_size != good_size
        except OSError:
            writing = False
        if writing:
            os.kill(pid, signal.SIGKILL)
            saving.join(60)
            return True
        time.sleep(0.0005)
    saving.join(60)
    return False


class TestServerKilledWhileSaving:
    def test_the_last_good_version_comes_back_with_the_next_server(self, hub):
        user = USERS[1]
        server, home = hub.servers[user], hub.home(user)
        target, backup = home / NOTEBOOK, home / ASSIGNMENT / f".~{ASSIGNMENT}.ipynb"
        good = json.loads(target.read_text(encoding="utf-8"))
        pid, killed = server.pid(), False
        try:
            # Big enough that writing it takes a while; larger again if a save still outran the watcher.
            for megabytes in (32, 64, 128):
                filler = {"cell_type": "code", "metadata": {}, "source": "x = 1\n" * ((megabytes << 20) // 6)}
                bigger = dict(good, cells=[*good["cells"], dict(filler, execution_count=None, outputs=[])])
                server.put(f"api/contents/{NOTEBOOK}", json={"type": "notebook", "format": "json", "content": good})
                killed = kill_mid_write(server, target, backup, bigger, target.stat().st_size)
                if killed:
                    break
            assert killed, "every save finished before the kill could land in the middle of the write"
            assert not recover.readable_notebook(target), "the kill did not land in the middle of the write"
        finally:
            if killed:
                hub.forget(user)
                server = hub.spawn(user)  # the hub sees the server is gone and starts a new one
        assert server.pid() != pid
        # Back on disk at the start, before anything opens it: a submit reads the file itself.
        assert recover.readable_notebook(target) and sources(json.loads(target.read_text())) == sources(good)
        before = entries(hub, user)
        assert server.submit(hub.course_id, ASSIGNMENT)["success"]
        (new,) = set(entries(hub, user)) - set(before)
        assert complete(hub, new)
        restored = server.json("GET", f"api/contents/{NOTEBOOK}")["content"]  # and Lab opens it
        assert sources(restored) == sources(good)


# ---------------------------------------------------------------- a rush, with faults in it


@dataclass
class Rush:
    """Participants submitting again and again, as in the last minute before a deadline, until stopped."""

    hub: object
    users: tuple[str, ...]
    seen: dict = field(default_factory=dict)  # user: submits the participant saw succeed
    failed: dict = field(default_factory=dict)  # user: submits that failed (the participant tries again)
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list = field(default_factory=list)

    def __enter__(self) -> Rush:
        for user in self.users:
            self.seen[user], self.failed[user] = 0, 0
            self.threads.append(threading.Thread(target=self.run, args=(self.hub.servers[user],), daemon=True))
            self.threads[-1].start()
        return self

    def run(self, server) -> None:
        form = {"course_id": self.hub.course_id, "assignment_id": ASSIGNMENT}
        while not self.stop.is_set():
            try:
                answer = server.post("assignments/submit", data=form, timeout=60)
                succeeded = answer.status_code == 200 and answer.json().get("success")
            except (requests.RequestException, ValueError):
                succeeded = False
            if succeeded:
                self.seen[server.user] += 1
            else:
                self.failed[server.user] += 1
                self.stop.wait(0.2)  # a person clicks again after a moment, not in a tight loop

    def wait_seen(self, count: int, timeout: float = 120) -> None:
        wait_for(lambda: min(self.seen.values()) >= count, timeout, f"each participant {count} submits")

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(90)


def answers(server) -> bool:
    try:
        return server.get("api/status", timeout=5).status_code == 200
    except requests.RequestException:
        return False


class TestHubRestartedMidRush:
    def test_servers_survive_and_every_submit_seen_is_in_the_exchange(self, hub):
        before = {user: entries(hub, user) for user in USERS}
        pids = {user: hub.servers[user].pid() for user in USERS}
        with Rush(hub, USERS) as rush:
            rush.wait_seen(1)
            hub.hub.restart()
            for user in USERS:
                wait_for(lambda user=user: answers(hub.servers[user]), 60, f"{user}'s server after the restart")
            seen_at_restart = dict(rush.seen)
            rush.wait_seen(max(seen_at_restart.values()) + 1)  # every one of them submits again, through the new hub
        assert {user: hub.hub.server_pids()[user] for user in USERS} == pids  # the very same processes
        for user in USERS:
            made = set(entries(hub, user)) - set(before[user])
            assert len(made) >= rush.seen[user], (user, rush.seen[user], len(made))
            assert all(complete(hub, entry) for entry in made)


class TestCollectWhileSubmitting:
    def test_nothing_half_written_is_graded_and_the_newest_is_exported(self, hub):
        with Rush(hub, USERS) as rush:
            rush.wait_seen(1)
            during = hub.grade(ASSIGNMENT)
        assert during.returncode == 0, during.stdout[-3000:] + during.stderr[-3000:]
        assert f"{len(USERS)} submissions: {len(USERS)} graded, 0 failed." in during.stdout, during.stdout[-2000:]
        assert "Refused" not in during.stdout
        after = hub.grade(ASSIGNMENT)  # what came in meanwhile: each participant's newest
        assert after.returncode == 0 and "failed: " not in after.stdout, after.stdout[-3000:] + after.stderr[-3000:]
        rows = {row["participant_id"]: row for row in hub.export(ASSIGNMENT)}
        for user in USERS:
            assert rows[user]["score"] and rows[user]["status"] in ("graded", "awaiting_trainer"), rows.get(user)
