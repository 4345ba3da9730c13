"""Weighted terms (words and two-word phrases) and per-topic term statistics, BM25-style."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

# Saturation of a term's weight in a topic: seen in n of the topic's texts, it counts
# n / (n + SATURATION) (BM25's tf saturation), so one stray mention weighs less than a
# word the topic's questions keep using.
SATURATION = 1.0
# Weight of a word no topic knows, as a share of the rarest known term's weight: an
# unknown word ("karaoke", "xổ số") lowers coverage, but a place name should not sink a
# clear question.
UNKNOWN_SHARE = 0.6


def terms(tokens: Sequence[str], stopwords: Collection[str]) -> list[str]:
    """Content words and two-word phrases of a question or text, without duplicates.

    Phrases are read on the sequence that still has its stopwords ("so do" is a phrase
    although "do" alone is a stopword) and on the sequence without them ("khai sinh con").

    Args:
        tokens: normalised tokens with the facet cue phrases already removed.
        stopwords: words that carry no topic meaning on their own.

    Returns:
        ["khai", "sinh", "khai sinh", ...], words first.
    """
    content = [t for t in tokens if t not in stopwords]
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(tokens)]
    pairs += [f"{a} {b}" for a, b in itertools.pairwise(content)]
    return list(dict.fromkeys([*content, *pairs]))


@dataclass
class TermStats:
    """How strongly each term points at each topic, and how rare it is across topics."""

    strength: dict[str, dict[str, float]] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    count: dict[str, float] = field(default_factory=dict)  # weighted number of texts
    unknown_idf: float = 0.0

    @classmethod
    def build(cls, docs: Iterable[tuple[str, Sequence[str], float]]) -> TermStats:
        """Compute the statistics from weighted topic texts.

        Args:
            docs: (topic id, terms of one text, weight of that text) for every title,
                keyword and sample question.

        Returns:
            The statistics.
        """
        counts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        topics = set()
        for tid, doc_terms, weight in docs:
            topics.add(tid)
            for term in set(doc_terms):
                counts[term][tid] += weight
        stats = cls()
        n = len(topics) or 1
        for term, per_topic in counts.items():
            strength = {tid: c / (c + SATURATION) for tid, c in per_topic.items()}
            soft_df = sum(strength.values())
            stats.strength[term] = strength
            stats.count[term] = sum(per_topic.values())
            stats.idf[term] = math.log((n + 1) / (soft_df + 0.5))
        rarest = max(stats.idf.values(), default=1.0)
        stats.unknown_idf = UNKNOWN_SHARE * rarest
        return stats

    def weight(self, term: str) -> float:
        """The weight of a query term: its idf, or a fixed share for an unknown word.

        Unknown two-word phrases weigh nothing: any two known words make a new pair, and
        they are already counted as words.
        """
        idf = self.idf.get(term)
        if idf is not None:
            return max(idf, 0.0)
        return 0.0 if " " in term else self.unknown_idf

    def phrases(self, min_count: float = 2.0) -> set[str]:
        """Two-word phrases seen in at least `min_count` texts (for typo repair)."""
        return {t for t, c in self.count.items() if " " in t and c >= min_count}
