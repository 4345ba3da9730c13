"""Detect which facet of a topic a question asks about: fee, documents, time, where, steps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

FACETS = ("documents", "fee", "time", "where", "steps")

FACET_LABELS = {
    "documents": "Giấy tờ cần có",
    "fee": "Phí, lệ phí",
    "time": "Thời hạn",
    "where": "Nộp ở đâu",
    "steps": "Các bước",
}


class FacetDetector:
    """Finds facet cue phrases in normalised text; the earliest cue wins."""

    def __init__(self, cues: Mapping[str, Sequence[str]]) -> None:
        """Create a detector.

        Args:
            cues: facet name → folded cue phrases ("bao nhieu tien", "o dau").
        """
        self._cues: list[tuple[tuple[str, ...], str]] = []
        for facet, phrases in cues.items():
            for phrase in phrases:
                words = tuple(phrase.split())
                if words:
                    self._cues.append((words, facet))
        # Longer cues first, so "bao lau" is not read as a shorter cue inside it.
        self._cues.sort(key=lambda item: -len(item[0]))

    def cue_words(self) -> frozenset[str]:
        """Every word that appears in some cue."""
        return frozenset(w for words, _ in self._cues for w in words)

    def without_cues(self, tokens: Sequence[str]) -> list[str]:
        """Remove whole cue phrases from `tokens`, longest first.

        Only complete phrases go: "ho so" survives although "ho so gom" is a cue, so the
        words that name a topic are kept for matching.

        Args:
            tokens: normalised tokens of the question.

        Returns:
            The tokens outside every cue phrase, in order.
        """
        keep = [True] * len(tokens)
        for words, _ in self._cues:
            n = len(words)
            for i in range(len(tokens) - n + 1):
                if all(keep[i:i + n]) and tuple(tokens[i:i + n]) == words:
                    keep[i:i + n] = [False] * n
        return [t for t, k in zip(tokens, keep, strict=True) if k]

    def detect(self, tokens: Sequence[str]) -> str | None:
        """Return the facet whose cue appears first in `tokens`, or None.

        Args:
            tokens: normalised tokens of the question.

        Returns:
            A facet name from FACETS, or None when the question asks no facet.
        """
        best: tuple[int, int, str] | None = None
        for words, facet in self._cues:
            n = len(words)
            for i in range(len(tokens) - n + 1):
                if tuple(tokens[i:i + n]) == words:
                    candidate = (i, -n, facet)
                    if best is None or candidate < best:
                        best = candidate
                    break
        return best[2] if best else None
