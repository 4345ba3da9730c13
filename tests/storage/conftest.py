"""Stores for the contract tests: each test runs on memory, SQLite and PostgreSQL alike."""

from pathlib import Path

import pytest

from tests.storage.kinds import KINDS, make_store


@pytest.fixture
def pg_url_factory(pg_cluster):
    """`await pg_url_factory()`: the URL of one more fresh database."""
    from tests import pgcluster

    async def make() -> str:
        return await pgcluster.fresh_database(pg_cluster)
    return make


@pytest.fixture(params=KINDS)
async def any_store(request: pytest.FixtureRequest, tmp_path: Path):
    """An open store of each kind in turn; closed after the test."""
    store = await make_store(request.param, tmp_path, request)
    yield store
    await store.close()
