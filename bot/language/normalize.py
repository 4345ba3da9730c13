"""Normalise Vietnamese as citizens type it: NFC, case, diacritics, teencode, typos."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

from rapidfuzz import fuzz, process

_TOKEN = re.compile(r"[a-z0-9]+")
_RUN3 = re.compile(r"([a-z])\1{2,}")
_RUN2 = re.compile(r"([a-z])\1")
_TELEX_TONES = "sfrxj"
MAX_INPUT_CHARS = 2000  # longer messages are cut: no citizen question needs more


def nfc(text: str) -> str:
    """Return `text` in Unicode NFC, the form Vietnamese keyboards usually send."""
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=65536)
def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    decomposed = unicodedata.normalize("NFD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def fold(text: str) -> str:
    """Lower-case and strip diacritics (đ → d): 'Đăng ký' → 'dang ky'."""
    return "".join(_fold_char(c) for c in nfc(text))


def has_diacritics(text: str) -> bool:
    """Tell whether the text carries any Vietnamese diacritic (including đ)."""
    return any(_fold_char(c) != c.lower() for c in text if c.isalpha())


def tokenize(text: str) -> list[str]:
    """Fold and split into ASCII word tokens, dropping punctuation and emoji."""
    return _TOKEN.findall(fold(text[:MAX_INPUT_CHARS]))


class Normalizer:
    """Turns a citizen's message into canonical folded tokens.

    Built once per knowledge-base version: it knows the abbreviations and the vocabulary of
    the knowledge base, which it uses to repair typos and telex leftovers.
    """

    def __init__(self, abbreviations: Mapping[str, str], vocabulary: Iterable[str]) -> None:
        """Create a normaliser.

        Args:
            abbreviations: folded word or phrase → folded expansion ("cccd" → "can cuoc").
            vocabulary: folded words known to the knowledge base.
        """
        self._abbr: dict[tuple[str, ...], list[str]] = {}
        for short, long in abbreviations.items():
            key = tuple(tokenize(short))
            if key:
                self._abbr[key] = tokenize(long)
        self._max_n = max((len(k) for k in self._abbr), default=1)
        words = set(vocabulary)
        for expansion in self._abbr.values():
            words.update(expansion)
        self.vocabulary = frozenset(w for w in words if w)
        self._fuzzy_pool = sorted(w for w in self.vocabulary if len(w) >= 4)
        self._repair = lru_cache(maxsize=32768)(self._repair_uncached)

    def _repair_uncached(self, token: str) -> str:
        if token in self.vocabulary or token.isdigit() or len(token) < 3:
            return token
        squeezed = _RUN3.sub(r"\1", token)
        if squeezed in self.vocabulary:
            return squeezed
        single = _RUN2.sub(r"\1", squeezed)
        if single in self.vocabulary:
            return single
        if token[-1] in _TELEX_TONES and token[:-1] in self.vocabulary:
            return token[:-1]
        if len(token) >= 4 and self._fuzzy_pool:
            best = process.extractOne(token, self._fuzzy_pool, scorer=fuzz.ratio,
                                      score_cutoff=84)
            if best is not None:
                return str(best[0])
        return single

    def expand(self, tokens: list[str]) -> list[str]:
        """Replace abbreviations (longest phrase first) by their expansions."""
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for n in range(min(self._max_n, len(tokens) - i), 0, -1):
                expansion = self._abbr.get(tuple(tokens[i:i + n]))
                if expansion is not None:
                    out.extend(expansion)
                    i += n
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out

    def tokens(self, text: str) -> list[str]:
        """Fold, split, expand abbreviations, then repair typos against the vocabulary."""
        raw = tokenize(text)
        first = self.expand(raw)
        repaired = [self._repair(t) for t in first]
        return self.expand(repaired) if repaired != first else repaired

    def normalize(self, text: str) -> str:
        """Return the canonical folded form used for matching and logging."""
        return " ".join(self.tokens(text))
