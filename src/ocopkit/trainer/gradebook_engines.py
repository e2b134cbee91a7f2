"""One SQLAlchemy engine per gradebook in a grading worker, instead of one per nbgrader ``Gradebook``.

nbgrader opens a ``Gradebook`` about eight times for one submission
(autograde's set-up, ``OverwriteCells``, ``SaveAutoGrades``,
``AssignLatePenalties``...), and each one calls ``create_engine``: a new
connection pool and, worse, an empty cache of compiled SQL, so every query of
every submission is compiled again (30 ms of a worker's 0.6 s per Topic 8
submission, measured with ``benchmarks/grade_cohort.py``).

:func:`share` makes ``nbgrader.api``'s ``create_engine`` hand out one engine
per database URL. Nothing else of nbgrader changes: ``Gradebook.close()``
still calls ``engine.dispose()``, which closes the pooled connections (a
connection still in use by another open ``Gradebook`` is closed when it is
given back), so no connection outlives the ``Gradebook`` that used it; what
stays is the engine's cache of compiled statements.
"""

from __future__ import annotations

from collections import OrderedDict

import nbgrader.api
from sqlalchemy import create_engine

KEEP = 8  # courses one process grades at a time is one; tests open many
_engines: OrderedDict = OrderedDict()


def shared_engine(url, **options):
    """``create_engine``, once per URL and options; the least recently used engine beyond ``KEEP`` goes."""
    key = (str(url), tuple(sorted(options.items())))
    if key in _engines:
        _engines.move_to_end(key)
        return _engines[key]
    engine = _engines[key] = create_engine(url, **options)
    while len(_engines) > KEEP:
        _key, old = _engines.popitem(last=False)
        old.dispose()
    return engine


def share() -> None:
    """From now on, nbgrader's gradebooks in this process share an engine per database URL."""
    nbgrader.api.create_engine = shared_engine
