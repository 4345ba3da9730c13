"""Tell a thumbs-down comment from a new question typed while a comment is expected."""

from __future__ import annotations

import re

from bot.config import MatchingConfig
from bot.matching.decide import decide
from bot.matching.index import TopicIndex

COMMENT_WINDOW_SECONDS = 10 * 60  # a comment comes right after 👎, or not at all
# Words of a complaint about the answer ("thiếu phí", "không có bước QR", "sai địa chỉ").
COMPLAINT = re.compile(
    r"\b(?:thieu|sai|chua (?:ro|dung|co|noi|du|thay)|khong (?:dung|ro|co|thay|noi|hieu)|"
    r"kho hieu|kho|loi thoi|cu qua|dai qua|rac roi|can them|nen them|them)\b")
# Words that ask something ("bao nhiêu", "ở đâu", "làm sao", "được không").
ASKING = re.compile(
    r"\b(?:bao nhieu|bao lau|bao gio|o dau|cho nao|the nao|nhu nao|lam sao|sao|gi|nao|"
    r"duoc khong|dc ko|duoc ko|khong a|ko)\b")
SHORT_QUESTION_WORDS = 4  # "quên passcode": a topic named in a few words is a question


def is_new_question(index: TopicIndex, cfg: MatchingConfig, plain: str, text: str) -> bool:
    """True when `text`, typed while a comment is expected, is clearly a question instead.

    Args:
        index: the topic index.
        cfg: matching thresholds.
        plain: the message folded to plain words.
        text: the redacted message without placeholders, for matching.

    Returns:
        True when it names a topic the bot would answer at once and reads as asking rather
        than complaining.
    """
    if COMPLAINT.search(plain):
        return False
    decision = decide(index.match(text), cfg)
    if decision.outcome != "answer":
        return False
    return bool(ASKING.search(plain) or text.rstrip().endswith("?")
                or len(plain.split()) <= SHORT_QUESTION_WORDS)


def keeps_comment(kinds: frozenset[str]) -> bool:
    """An ID or account number in a comment is kept (redacted); a secret never is."""
    return not kinds & {"password", "code"}
