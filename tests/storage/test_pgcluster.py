"""The test server helper: a missing PostgreSQL is a clear failure, never a silent skip."""

from pathlib import Path

import pytest

from tests import pgcluster


def test_a_missing_postgresql_is_reported_with_what_to_do(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(pgcluster, "find_bindir", lambda: tmp_path / "no-such-bin")
    with pytest.raises(pgcluster.PostgresUnavailable,
                       match=r"initdb failed|cannot run PostgreSQL"):
        pgcluster.start_cluster()
    monkeypatch.undo()
    assert (pgcluster.find_bindir() / "pg_ctl").exists()  # this machine has one


def test_no_initdb_anywhere_says_how_to_install(monkeypatch) -> None:
    monkeypatch.setattr(pgcluster.glob, "glob", lambda pattern: [])
    monkeypatch.setattr(pgcluster.shutil, "which", lambda name: None)
    with pytest.raises(pgcluster.PostgresUnavailable, match="make postgres"):
        pgcluster.find_bindir()
