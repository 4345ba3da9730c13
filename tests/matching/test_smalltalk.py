"""Greetings and thanks are recognised with the courtesy words citizens add to them."""

from __future__ import annotations

import pytest

from bot.core.brain import Brain


@pytest.mark.parametrize("message", ["em cảm ơn ạ", "e cam on", "cháu cảm ơn", "cảm ơn bạn nhiều",
                                     "ok em cam on", "vâng cảm ơn", "cam on nha", "vâng ạ"])
def test_thanks_with_courtesy_words(brain: Brain, message: str) -> None:
    assert brain.index.is_thanks(message)


@pytest.mark.parametrize("message", ["chào cháu", "xin chào ạ", "em chào ad ạ", "chao ban a"])
def test_greetings_with_courtesy_words(brain: Brain, message: str) -> None:
    assert brain.index.is_greeting(message)


@pytest.mark.parametrize("message", ["cho tôi hỏi", "làm sao", "em chào, làm cccd ở đâu",
                                     "cảm ơn, còn phí bao nhiêu", "con", "ạ"])
def test_questions_and_bare_courtesy_words_are_not_smalltalk(brain: Brain,
                                                             message: str) -> None:
    assert not brain.index.is_thanks(message)
    assert not brain.index.is_greeting(message)
