"""The kit's own records beside nbgrader's gradebook: participants' details and grading outcomes.

nbgrader's gradebook has no place for a participant's province or organisation
type, and it keeps a score of 0 when autograding failed. The ledger, a SQLite
file in the course directory, records both, so an export can say ``failed``
with the reason instead of showing a silent zero.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

LEDGER_FILE = "ocop_ledger.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS participants (
    id TEXT PRIMARY KEY, name TEXT, province TEXT, district TEXT,
    organisation_type TEXT, email TEXT);
CREATE TABLE IF NOT EXISTS gradings (
    assignment TEXT, participant_id TEXT, status TEXT, reason TEXT,
    score REAL, max_score REAL, updated TEXT, fingerprint TEXT,
    PRIMARY KEY (assignment, participant_id));
"""


@dataclass(frozen=True)
class Grading:
    """The outcome of grading one participant's submission of one assignment."""

    assignment: str
    participant_id: str
    status: str
    reason: str
    score: float | None
    max_score: float | None
    fingerprint: str = ""  # hash of the submission graded, so a rerun can skip it


def connect(course_dir: str | Path) -> sqlite3.Connection:
    """Open (and create if needed) the ledger of a course directory."""
    connection = sqlite3.connect(Path(course_dir) / LEDGER_FILE, timeout=60)
    connection.executescript(SCHEMA)
    return connection


def save_participants(course_dir: str | Path, participants) -> None:
    """Insert or update participants' details in one transaction."""
    with closing(connect(course_dir)) as connection, connection:
        connection.executemany(
            "INSERT OR REPLACE INTO participants VALUES (?, ?, ?, ?, ?, ?)",
            [(p.id, p.name, p.province, p.district, p.organisation_type, p.email) for p in participants])


def participants(course_dir: str | Path) -> dict[str, dict]:
    """Return every participant's details, keyed by id."""
    with closing(connect(course_dir)) as connection:
        connection.row_factory = sqlite3.Row
        return {row["id"]: dict(row) for row in connection.execute("SELECT * FROM participants ORDER BY id")}


def record(course_dir: str | Path, grading: Grading) -> None:
    """Record (or replace) the outcome of grading one submission."""
    with closing(connect(course_dir)) as connection, connection:
        connection.execute(
            "INSERT OR REPLACE INTO gradings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (grading.assignment, grading.participant_id, grading.status, grading.reason,
             grading.score, grading.max_score, datetime.now(timezone.utc).isoformat(), grading.fingerprint))


def gradings(course_dir: str | Path, assignment: str | None = None) -> dict[tuple[str, str], Grading]:
    """Return recorded outcomes keyed by (assignment, participant id)."""
    query = "SELECT assignment, participant_id, status, reason, score, max_score, fingerprint FROM gradings"
    args = ()
    if assignment:
        query, args = query + " WHERE assignment = ?", (assignment,)
    with closing(connect(course_dir)) as connection:
        return {(row[0], row[1]): Grading(*row) for row in connection.execute(query, args)}
