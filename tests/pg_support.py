"""A real PostgreSQL server for gradebook tests: the one .ci/run started, or one started here as root."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _unavailable() -> str | None:
    if os.environ.get("OCOP_TEST_POSTGRES_URL"):
        return None
    if os.geteuid() != 0:
        return "PostgreSQL tests need root to start a server (or OCOP_TEST_POSTGRES_URL)"
    if not (shutil.which("initdb") and shutil.which("pg_ctl")):
        return "PostgreSQL server programs (initdb, pg_ctl) are not installed"
    return None


@pytest.fixture(scope="session")
def postgres_server():
    """The URL of a PostgreSQL server on 127.0.0.1 (admin database)."""
    from conftest import require

    require(_unavailable())
    url = os.environ.get("OCOP_TEST_POSTGRES_URL")
    if not url:
        url = subprocess.run(
            [str(REPO / "scripts" / "start-postgres.sh"), "54330"], check=True, capture_output=True, text=True
        ).stdout.strip()
    return url


def fresh_database(server_url: str) -> str:
    """Create an empty database on the server and return its URL."""
    import psycopg

    name = f"ocop_test_{uuid.uuid4().hex[:12]}"
    plain = server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + "/" + name
