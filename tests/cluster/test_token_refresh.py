"""The Zalo OA refresh token is spent by one instance; the others read the new pair."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.channels.zalo_oa.tokens import TokenManager
from tests.cluster.conftest import Open
from tests.fakes.zalo_oa_api import FakeZaloOA


@pytest.fixture
async def oauth() -> AsyncIterator[FakeZaloOA]:
    fake = FakeZaloOA()
    await fake.start()
    yield fake
    await fake.stop()


async def _manager(store_for: Open, name: str, fake: FakeZaloOA,
                   session: aiohttp.ClientSession) -> TokenManager:
    manager = TokenManager(await store_for(name), session, oauth_url=fake.base_url,
                           app_id=fake.app_id, app_secret=fake.app_secret,
                           env_refresh_token=fake.initial_refresh)
    await manager.load()
    return manager


async def test_two_instances_due_at_once_spend_the_refresh_token_once(
        instances: Open, oauth: FakeZaloOA) -> None:
    async with aiohttp.ClientSession() as session:
        a = await _manager(instances, "a", oauth, session)
        b = await _manager(instances, "b", oauth, session)
        assert a.due() and b.due()  # no access token yet
        got = await asyncio.gather(a.access_token(), b.access_token())
        assert oauth.refreshes == 1 and oauth.refused_refreshes == 0
        assert got[0] == got[1] and got[0] in oauth.valid_access
        assert a.tokens == b.tokens


async def test_an_instance_told_its_token_expired_reads_the_pair_another_refreshed(
        instances: Open, oauth: FakeZaloOA) -> None:
    async with aiohttp.ClientSession() as session:
        a = await _manager(instances, "a", oauth, session)
        b = await _manager(instances, "b", oauth, session)
        old = await a.access_token()
        assert await b.access_token() == old
        fresh = await a.refresh(stale=old)  # a was told its token is invalid
        assert await b.refresh(stale=old) == fresh  # so was b, a moment later
        assert oauth.refreshes == 2  # the first pair, then a's refresh; none for b
        assert b.tokens.refresh_token in oauth.valid_refresh
