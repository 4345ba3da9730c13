"""Greetings, thanks and acknowledgements ("ok", "vâng") typed mid-flow keep the way back."""

from __future__ import annotations

import pytest

from bot.flows.engine import RESUME_LABEL


@pytest.mark.parametrize("message", ["ok", "vâng", "cảm ơn", "chào bạn"])
async def test_an_acknowledgement_mid_flow_keeps_the_way_back(assistant, say, store,
                                                              message) -> None:
    await say(assistant, "/start flow-vneid-su-co")
    replies = await say(assistant, message)
    assert store.turns[-1].outcome in ("thanks", "greeting")
    assert replies[-1].buttons[-1].label == RESUME_LABEL
    await say(assistant, str(len(replies[-1].buttons)))  # the resume button, last
    assert store.turns[-1].step_id == "chon-su-co"
