"""Hostile and broken submissions of topic08, built from the right answers of tests/submissions/topic08/full.

Each attack replaces the Part 1 answer cell with hostile code followed by the
right Part 1 answers, so a harmless attack scores full marks (10) and one
that stops the cell scores 8. Broken ones damage the files themselves.
"""

from __future__ import annotations

import os
import shutil
import tomllib
from pathlib import Path

import nbformat

FULL = Path(__file__).parent / "submissions" / "topic08" / "full"
# The right answers' score and the maximum, as the example submissions state them (the written part awaits a trainer).
with (FULL.parent / "expected.toml").open("rb") as _handle:
    _EXPECTED = tomllib.load(_handle)
FULL_SCORE, MAX_SCORE = _EXPECTED["full"]["score"], _EXPECTED["max_score"]
PARTIAL_SCORE = _EXPECTED["partial"]["score"]
PART1_RIGHT = "\nsao_buoi = 4\nsao_mien = 2\nsao_nuoc_mam = 5\n"

# name -> code run before Part 1's right answers. {port} is a listening socket of the test.
ATTACKS = {
    "infinite_loop": "while True:\n    pass",
    "memory_bomb": "blocks = [bytearray(256 * 1024**2) for _ in range(64)]",
    "fork_bomb": "import os\nwhile True:\n    os.fork()",
    "os_exit": "import os\nos._exit(3)",
    "big_output": "for _ in range(200):\n    print('x' * 1_000_000)",
    "file_bomb": "open('big.bin', 'wb').write(b'0' * (200 * 1024**2))",
    "network": (
        "import socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), timeout=3)\n"
        "    print('CONNECTED')\nexcept OSError as error:\n    print('no network:', error)"
    ),
    "read_others": (
        "import glob, os\nseen = []\n"
        "for pattern in ['../../../submitted/*/topic08/*', '../../../solutions/*/*.ipynb',\n"
        "                '../../../gradebook.db', '../../../nbgrader_config.py', '/etc/shadow',\n"
        "                '../../*/topic08/*', '/proc/1/environ', '/root/*', '/work/*/*.db']:\n"
        "    for path in glob.glob(pattern):\n"
        "        try:\n            seen.append(open(path, 'rb').read()[:4000])\n"
        "        except OSError:\n            pass\nprint(seen)"
    ),
    "write_gradebook": (
        "import sqlite3\ntry:\n    db = sqlite3.connect('../../../gradebook.db')\n"
        "    db.execute('UPDATE grade SET auto_score = 99')\n    db.commit()\n"
        "except Exception as error:\n    print('no gradebook:', error)"
    ),
    "kill_everything": "import os, signal\nfor pid in range(1, 200):\n    try:\n        os.kill(pid, signal.SIGKILL)\n"
    "    except OSError:\n        pass",
    "ignore_interrupt": "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(3600)",
    "monkeypatch": "import builtins\nbuiltins.sorted = lambda *args, **kwargs: []",
}


def notebook(folder: Path) -> nbformat.NotebookNode:
    return nbformat.read(folder / "topic08.ipynb", as_version=4)


def cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def write_attack(target: Path, name: str, port: int) -> None:
    """Write the submission of one attack into ``target``."""
    nb = notebook(FULL)
    cell(nb, "part1_answer").source = ATTACKS[name].replace("{port}", str(port)) + PART1_RIGHT
    if name == "monkeypatch":  # wrong answers that the patch would let pass
        cell(nb, "part3_answer").source = 'duoc_cong_nhan = ["Nón lá"]'
    target.mkdir(parents=True)
    nbformat.write(nb, target / "topic08.ipynb")


def write_tampered_tests(target: Path) -> None:
    """Wrong answers, with every test cell emptied and given 100 points."""
    nb = notebook(FULL)
    cell(nb, "part1_answer").source = "sao_buoi = 1\nsao_mien = 1\nsao_nuoc_mam = 1"
    cell(nb, "part4_answer").source = "diem_can_them = 1"
    for each in nb.cells:
        meta = each.metadata.get("nbgrader", {})
        if meta.get("grade") and each.cell_type == "code":
            each.source = "pass"
            meta["points"] = 100
    target.mkdir(parents=True)
    nbformat.write(nb, target / "topic08.ipynb")


def write_shadow_modules(target: Path) -> None:
    """Right answers plus files that would replace pandas and ocopkit if the folder were on sys.path."""
    shutil.copytree(FULL, target)
    (target / "pandas.py").write_text("raise SystemExit('shadowed pandas')\n")
    (target / "ocopkit").mkdir()
    (target / "ocopkit" / "__init__.py").write_text("raise SystemExit('shadowed ocopkit')\n")


def write_broken(target: Path, name: str, secret: Path) -> None:
    """Write one broken submission: damaged, empty, missing or unsafe files."""
    target.mkdir(parents=True)
    source = (FULL / "topic08.ipynb").read_bytes()
    notebook_path = target / "topic08.ipynb"
    if name == "corrupt_json":
        notebook_path.write_bytes(source[: len(source) // 3])
    elif name == "empty_notebook":
        notebook_path.write_bytes(b"")
    elif name == "missing_notebook":
        (target / "ghi-chu.txt").write_text("quên nộp notebook", encoding="utf-8")
    elif name == "not_utf8":
        notebook_path.write_bytes(source.decode("utf-8").encode("utf-16"))
    elif name == "old_format":
        notebook_path.write_text('{"nbformat": 3, "nbformat_minor": 0, "worksheets": [], "metadata": {}}')
    elif name == "symlink_notebook":
        notebook_path.symlink_to(secret)
    elif name == "symlink_extra":
        notebook_path.write_bytes(source)
        (target / "du-lieu.db").symlink_to(secret)
    elif name == "fifo":
        notebook_path.write_bytes(source)
        os.mkfifo(target / "ong")


BROKEN = (
    "corrupt_json",
    "empty_notebook",
    "missing_notebook",
    "not_utf8",
    "old_format",
    "symlink_notebook",
    "symlink_extra",
    "fifo",
)
