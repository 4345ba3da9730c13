"""Similarity of a question to each topic's closest sample question (terms and characters)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from rapidfuzz import fuzz, process

from bot.matching.terms import TermStats

FUZZY_CUTOFF = 40  # below this rapidfuzz score a sample question is not similar at all
SCORER = fuzz.token_set_ratio


class SampleIndex:
    """The sample questions, titles and keywords of every topic, ready to compare."""

    def __init__(self, stats: TermStats, docs: Sequence[tuple[str, Sequence[str]]]) -> None:
        """Index the texts.

        Args:
            stats: term weights.
            docs: (topic id, terms of one text) for every title, keyword and sample question.
        """
        self._stats = stats
        self._owner: list[str] = []
        self._text: list[str] = []
        self._mass: list[float] = []
        self._postings: dict[str, list[int]] = defaultdict(list)
        for tid, doc_terms in docs:
            if not doc_terms:
                continue
            i = len(self._owner)
            self._owner.append(tid)
            self._text.append(" ".join(t for t in doc_terms if " " not in t))
            self._mass.append(sum(stats.weight(t) for t in doc_terms))
            for term in doc_terms:
                self._postings[term].append(i)

    def __len__(self) -> int:
        return len(self._owner)

    def similarity(self, query: Sequence[str], mass: float) -> dict[str, float]:
        """Per topic, the weighted Dice overlap (0-1) with its closest text.

        Args:
            query: the question's terms.
            mass: the summed weight of those terms.

        Returns:
            topic id → best overlap; topics sharing no term are absent.
        """
        overlap: dict[int, float] = defaultdict(float)
        for term in query:
            weight = self._stats.weight(term)
            for i in self._postings.get(term, ()):
                overlap[i] += weight
        best: dict[str, float] = {}
        for i, shared in overlap.items():
            sim = 2 * shared / (mass + self._mass[i])
            owner = self._owner[i]
            if sim > best.get(owner, 0.0):
                best[owner] = sim
        return best

    def fuzzy(self, text: str) -> dict[str, float]:
        """Per topic, the best rapidfuzz token-set ratio (0-1) of its texts against `text`.

        Token-set similarity forgives extra words on either side and word order, and
        character-level comparison forgives the typos the normaliser could not repair.

        Args:
            text: the question's content words, space-separated.

        Returns:
            topic id → best ratio; topics below the cutoff are absent.
        """
        best: dict[str, float] = {}
        if not text:
            return best
        for _, score, i in process.extract(text, self._text, scorer=SCORER,
                                           limit=None, score_cutoff=FUZZY_CUTOFF):
            owner = self._owner[i]
            best[owner] = max(best.get(owner, 0.0), score / 100)
        return best
