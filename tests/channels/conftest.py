"""Fixtures shared by the channel tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.telegram_api import FakeBotAPI


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    """The project's fake Telegram Bot API server, listening on a loopback port."""
    api = FakeBotAPI()
    await api.start()
    yield api
    await api.close()
