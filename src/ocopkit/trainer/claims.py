"""Several machines grading one cohort: a claim table in the PostgreSQL gradebook's database.

``ocop grade ASSIGNMENT --shared`` on each machine (or each pod of
``deploy/z2jh/grading-job.yaml``) grades its share of one ``submitted/`` folder
that every machine sees, against one PostgreSQL gradebook:

- every machine first adds each submission it sees to ``ocop_claims``, keyed by
  assignment, participant and the submission's fingerprint (a changed
  submission is new work; an unchanged one is never queued twice);
- for each idle worker the machine claims one ``pending`` row with
  ``SELECT … FOR UPDATE SKIP LOCKED`` in a transaction that stays open, on a
  connection of that worker's own, while the submission is graded; other
  machines skip the locked row;
- the outcome marks the row ``done`` (status, score, machine, time), adds one
  row to ``ocop_completions`` and commits, in one transaction;
- a machine that dies drops its connections: PostgreSQL rolls their
  transactions back and the rows are free for the machines still running,
  which wait until no row of the assignment is pending.

So each submission gets exactly one committed outcome. One that was being
graded when its machine died is graded again elsewhere; nbgrader's autograde
replaces what the first attempt wrote in the gradebook.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field

from ..i18n import _
from . import grading, ledger, run_guard

SCHEMA = """
CREATE TABLE IF NOT EXISTS ocop_claims (
    assignment TEXT NOT NULL, participant_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',  -- pending, done, or superseded by a later hand-in
    status TEXT, reason TEXT, score DOUBLE PRECISION, max_score DOUBLE PRECISION,
    machine TEXT, finished TIMESTAMPTZ,
    PRIMARY KEY (assignment, participant_id, fingerprint));
CREATE TABLE IF NOT EXISTS ocop_completions (
    id BIGSERIAL PRIMARY KEY, assignment TEXT NOT NULL, participant_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL, status TEXT NOT NULL, score DOUBLE PRECISION,
    machine TEXT NOT NULL, finished TIMESTAMPTZ NOT NULL DEFAULT now());
"""
# Two machines starting together both run CREATE TABLE IF NOT EXISTS, which can
# still collide in PostgreSQL's catalog: one advisory lock makes them take turns.
SCHEMA_LOCK = 0x0C0F_C1A1

# A dead machine's claims are freed when the server notices its connection is gone:
# at once for a killed process, within about a minute for a machine that lost power.
SESSION_SETTINGS = (
    "SET idle_in_transaction_session_timeout = 0",  # a submission may take minutes to grade
    "SET tcp_keepalives_idle = 30",
    "SET tcp_keepalives_interval = 10",
    "SET tcp_keepalives_count = 3",
)


class DatabaseUnreachable(run_guard.MachineFault):
    """The claim table's database could not be reached, or the connection to it was lost."""


def unreachable(error: Exception) -> DatabaseUnreachable:
    """The error that stops this machine when the database fails; its claims roll back for the others."""
    detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return DatabaseUnreachable(
        _(
            "the gradebook's database did not answer ({detail}): this machine stopped, and what it was grading "
            "goes back to the other machines. Run the same command again when the database is back."
        ).format(detail=detail)
    )


def is_postgres(db_url: str) -> bool:
    """True when a gradebook URL names a PostgreSQL database."""
    from sqlalchemy.engine import make_url

    return make_url(db_url).get_backend_name() == "postgresql"


def conninfo(db_url: str) -> str:
    """The gradebook's SQLAlchemy URL (``postgresql+psycopg://…``) as a libpq URL for psycopg."""
    from sqlalchemy.engine import make_url

    return make_url(db_url).set(drivername="postgresql").render_as_string(hide_password=False)


def machine_name() -> str:
    """Who graded a submission: the host (a pod's name on Kubernetes) and the process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def connect(db_url: str):
    """A new connection to the gradebook's database, set up for holding claims."""
    import psycopg

    # The machine's name shows in pg_stat_activity: an operator sees who holds which claim.
    connection = psycopg.connect(conninfo(db_url), autocommit=True, application_name=machine_name()[:63])
    for statement in SESSION_SETTINGS:
        connection.execute(statement)
    connection.autocommit = False
    return connection


@dataclass
class Claim:
    """One submission this machine is grading, its row locked by the open transaction of ``connection``."""

    participant_id: str
    fingerprint: str
    connection: object = field(repr=False)


class ClaimBoard:
    """This machine's view of the claim table for one assignment.

    Parameters
    ----------
    db_url : str
        The course's gradebook URL (PostgreSQL).
    assignment : str
    """

    def __init__(self, db_url: str, assignment: str):
        self.db_url, self.assignment, self.machine = db_url, assignment, machine_name()
        self.control = connect(db_url)
        self.control.autocommit = True
        with self.control.transaction():
            self.control.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            self.control.execute(SCHEMA)
        self.spare: list = []  # connections without a claim, kept for the next one
        self.opened: list = [self.control]  # every connection, to close them all at the end

    def enqueue(self, api) -> int:
        """Add every submission in ``submitted/`` that is not queued yet; return how many are pending."""
        rows = [
            (self.assignment, participant_id, self._fingerprint(api, participant_id))
            for participant_id in grading.submitted_participants(api, self.assignment)
        ]
        with self.control.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO ocop_claims (assignment, participant_id, fingerprint) VALUES (%s, %s, %s)"
                " ON CONFLICT DO NOTHING",
                rows,
            )
            # A participant who handed in again: the earlier version is not graded any more
            # (the folder holds only the new one), unless a machine is grading it right now.
            cursor.executemany(
                "UPDATE ocop_claims SET state = 'superseded' WHERE (assignment, participant_id, fingerprint) IN"
                " (SELECT assignment, participant_id, fingerprint FROM ocop_claims WHERE assignment = %s"
                " AND participant_id = %s AND fingerprint <> %s AND state = 'pending' FOR UPDATE SKIP LOCKED)",
                rows,
            )
        return self.pending()

    def _fingerprint(self, api, participant_id: str) -> str:
        return grading.fingerprint(grading.submission_folder(api, self.assignment, participant_id))

    def pending(self) -> int:
        """How many submissions of the assignment no machine has finished (claimed or not)."""
        return self.control.execute(
            "SELECT count(*) FROM ocop_claims WHERE assignment = %s AND state = 'pending'", (self.assignment,)
        ).fetchone()[0]

    def claim(self) -> Claim | None:
        """Lock the next pending submission no other machine holds; None when there is none now."""
        if not self.spare:
            self.opened.append(connect(self.db_url))
            self.spare.append(self.opened[-1])
        connection = self.spare.pop()
        row = connection.execute(
            "SELECT participant_id, fingerprint FROM ocop_claims WHERE assignment = %s AND state = 'pending'"
            " ORDER BY participant_id LIMIT 1 FOR UPDATE SKIP LOCKED",
            (self.assignment,),
        ).fetchone()
        if row is None:
            connection.rollback()
            self.spare.append(connection)
            return None
        return Claim(row[0], row[1], connection)

    def finish(self, claim: Claim, outcome: ledger.Grading) -> None:
        """Record the outcome on the claimed row and in the completions, and commit: the claim ends."""
        connection = claim.connection
        key = (self.assignment, claim.participant_id, claim.fingerprint)
        connection.execute(
            "UPDATE ocop_claims SET state = 'done', status = %s, reason = %s, score = %s, max_score = %s,"
            " machine = %s, finished = now() WHERE assignment = %s AND participant_id = %s AND fingerprint = %s",
            (outcome.status, outcome.reason, outcome.score, outcome.max_score, self.machine, *key),
        )
        connection.execute(
            "INSERT INTO ocop_completions (assignment, participant_id, fingerprint, status, score, machine)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            (*key, outcome.status, outcome.score, self.machine),
        )
        connection.commit()
        self.spare.append(connection)

    def outcomes(self) -> list[ledger.Grading]:
        """Every machine's finished outcomes of the assignment, the latest per participant."""
        rows = self.control.execute(
            "SELECT DISTINCT ON (participant_id) participant_id, status, reason, score, max_score, fingerprint"
            " FROM ocop_claims WHERE assignment = %s AND state = 'done' ORDER BY participant_id, finished DESC",
            (self.assignment,),
        ).fetchall()
        return [ledger.Grading(self.assignment, p, s, r or "", sc, mx, f) for p, s, r, sc, mx, f in rows]

    def copy_to(self, book: ledger.Ledger) -> int:
        """Copy other machines' outcomes into this machine's ledger (export and report read it); return how many.

        An outcome the ledger already has for the same submission stays: it is
        this machine's own, or a later regrade (``--retry-failed`` without ``--shared``).
        """
        known = book.gradings(self.assignment)
        copied = 0
        for outcome in self.outcomes():
            previous = known.get((self.assignment, outcome.participant_id))
            if previous is None or previous.fingerprint != outcome.fingerprint:
                book.record(outcome)
                copied += 1
        return copied

    def close(self) -> None:
        """Close every connection; a claim still open is rolled back and free for another machine."""
        for connection in self.opened:
            connection.close()
        self.spare, self.opened = [], []
