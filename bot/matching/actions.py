"""What a procedure does to a paper: an unnamed marked action (thu hồi, xóa, gia hạn...) goes
behind the plain issue of the same thing ("chứng chỉ hành nghề luật sư" asks for the issue)."""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Mapping, Sequence

from bot.language.normalize import tokenize
from bot.matching.entries import Entry, code_of
from bot.matching.ranking import contains

# Actions a procedure name opens with that a citizen names when they mean them: revoking,
# cancelling, renewing, re-issuing, changing, ending. Issuing and registering are unmarked.
MARKED = tuple(tuple(tokenize(a)) for a in (
    "thu hồi", "xóa", "hủy", "đình chỉ", "cấp lại", "gia hạn", "tạm ngừng", "chấm dứt",
    "giải thể", "điều chỉnh", "cấp điều chỉnh", "thay đổi", "cải chính", "đính chính",
    "đăng ký lại", "cấp đổi", "đổi", "khôi phục", "chuyển tiếp", "dừng", "trả lại"))
ACTION_TOP = 6  # the procedures compared are among the best few
CLOSE_SHARE = 0.8  # an unmarked procedure overtakes a marked one from this share of its score
TIE = 0.001
_PREFIX = re.compile(r"^\s*thủ tục\s+", re.IGNORECASE)
Raw = dict[str, tuple[float, float, float]]


class Actions:
    """The marked action each catalogue procedure's name opens with (cached)."""

    def __init__(self, entries: Mapping[str, Entry], words: Callable[[str], list[str]]) -> None:
        """Args:
            entries: every entry by id (a procedure's name is its first text).
            words: folds a name into words (abbreviations expanded).
        """
        self._entries = entries
        self._words = words
        self._cache: dict[str, tuple[str, ...]] = {}

    def action(self, entry_id: str) -> tuple[str, ...]:
        """The marked action the procedure's name opens with; () when none."""
        cached = self._cache.get(entry_id)
        if cached is None:
            entry = self._entries.get(entry_id)
            name = self._words(_PREFIX.sub("", entry.texts[0].text)) if entry else []
            cached = next((a for a in MARKED if tuple(name[:len(a)]) == a), ())
            self._cache[entry_id] = cached
        return cached

    def reorder(self, raw: Raw, tokens: Sequence[str]) -> None:
        """Put a procedure whose marked action the question does not name just behind the
        best unmarked procedure close below it, or below it by any score but explaining as
        much of the question: a short "Thu hồi X" name beats the long "Cấp X đối với ..." on
        similarity alone (scores are changed in place)."""
        top = [t for t in heapq.nlargest(ACTION_TOP * 2, raw, key=lambda t: raw[t][0])
               if code_of(t) is not None][:ACTION_TOP]
        for i, upper in enumerate(top):
            action = self.action(upper)
            if not action or contains(tokens, action):
                continue
            plain = next((t for t in top[i + 1:] if not self.action(t) and (
                raw[t][0] >= CLOSE_SHARE * raw[upper][0] or raw[t][1] >= raw[upper][1] - TIE)),
                None)
            if plain is not None and raw[plain][0] < raw[upper][0]:
                raw[upper], raw[plain] = raw[plain], raw[upper]
