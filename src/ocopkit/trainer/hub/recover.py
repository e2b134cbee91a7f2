"""Put back a notebook whose save a killed server left half-written (a server extension of the hub's users).

Jupyter's "atomic" save copies the notebook to ``.~NAME`` beside it, writes
the new content over ``NAME`` itself, and removes the copy once the write is
complete. A server killed in the middle (out of memory, the machine's
restart) leaves ``NAME`` cut short and the last good version in the hidden
``.~NAME``. Jupyter puts the copy back only when the notebook is next opened;
a submit from the Assignment List reads the files directly and would hand in
the cut-short notebook, which then fails to grade. So when the server starts,
:func:`restore_unfinished_saves` does what Jupyter does on opening, for every
notebook: the unreadable ``NAME`` is moved aside (``NAME.invalid``, Jupyter's
name) and ``.~NAME`` put back. A readable ``NAME`` is left as it is (the
server died after the write, before removing the copy).

``ocop hub setup`` turns this extension on in both roles' configuration
(``jupyter_server_config.d/ocopkit-hub-recover.json``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from jupyter_server.services.contents.fileio import path_to_invalid

BACKUP_PREFIX = ".~"  # jupyter_server's path_to_intermediate
MAX_DEPTH = 6
MAX_FOLDERS = 2000  # a home is a participant's work, not a disk to crawl for minutes at start


def readable_notebook(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8") as handle:
            return isinstance(json.load(handle), dict)
    except (OSError, ValueError):
        return False


def backups(root: Path):
    """``.~NAME.ipynb`` files below ``root``, without following links or entering hidden folders."""
    seen = 0
    for folder, dirs, files in os.walk(root):
        seen += 1
        depth = len(Path(folder).relative_to(root).parts)
        dirs[:] = [] if depth >= MAX_DEPTH or seen > MAX_FOLDERS else [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith(BACKUP_PREFIX) and name.endswith(".ipynb"):
                yield Path(folder) / name


def restore_unfinished_saves(root: str | Path) -> list[Path]:
    """Restore each notebook that a cut-short save left unreadable; return the notebooks restored."""
    restored = []
    for backup in backups(Path(root)):
        target = backup.with_name(backup.name[len(BACKUP_PREFIX) :])
        if backup.is_symlink() or target.is_symlink() or readable_notebook(target):
            continue
        if readable_notebook(backup):
            if target.exists():
                os.replace(target, path_to_invalid(str(target)))  # kept, as Jupyter keeps it
            os.replace(backup, target)
            restored.append(target)
    return restored


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "ocopkit.trainer.hub.recover"}]


def _load_jupyter_server_extension(serverapp) -> None:
    """At the server's start, before any request: restore what the last server's death cut short."""
    for path in restore_unfinished_saves(serverapp.root_dir):
        serverapp.log.warning("Restored %s from its copy: its last save did not finish", path)
