"""Similarity of a question to a candidate's closest sample text (terms and characters)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence

from rapidfuzz import fuzz, process

from bot.matching.terms import TermStats

FUZZY_CUTOFF = 40  # below this rapidfuzz score a sample question is not similar at all
SCORER = fuzz.token_set_ratio


class SampleIndex:
    """The sample texts (titles, keywords, sample questions, procedure names) of every entry.

    Only the candidates of a question are compared, so the cost of a question depends on
    how many candidates it has, not on the size of the knowledge base.
    """

    def __init__(self, stats: TermStats, docs: Sequence[tuple[str, Sequence[str]]]) -> None:
        """Index the texts.

        Args:
            stats: term weights.
            docs: (entry id, terms of one text) for every sample text.
        """
        self._owner: list[str] = []
        self._text: list[str] = []
        self._mass: list[float] = []
        self._by_entry: dict[str, list[int]] = defaultdict(list)
        # term → entry id → the entry's texts holding the term
        self._local: dict[str, dict[str, list[int]]] = defaultdict(dict)
        for tid, doc_terms in docs:
            if not doc_terms:
                continue
            i = len(self._owner)
            self._owner.append(tid)
            self._text.append(" ".join(t for t in doc_terms if " " not in t))
            self._mass.append(sum(stats.weight(t) for t in doc_terms))
            self._by_entry[tid].append(i)
            for term in set(doc_terms):
                self._local[term].setdefault(tid, []).append(i)

    def __len__(self) -> int:
        return len(self._owner)

    def similarity(self, weights: Mapping[str, float], mass: float,
                   candidates: Collection[str]) -> dict[str, float]:
        """Per candidate, the weighted Dice overlap (0-1) with its closest text.

        Args:
            weights: the question's terms and their weights.
            mass: the summed weight of those terms.
            candidates: the entry ids to compare.

        Returns:
            entry id → best overlap; candidates sharing no term are absent.
        """
        overlap: dict[int, float] = defaultdict(float)
        for term, weight in weights.items():
            local = self._local.get(term)
            if not local:
                continue
            if len(local) < len(candidates):  # walk the shorter side
                pairs = [(tid, ids) for tid, ids in local.items() if tid in candidates]
            else:
                pairs = [(tid, local[tid]) for tid in candidates if tid in local]
            for _, ids in pairs:
                for i in ids:
                    overlap[i] += weight
        best: dict[str, float] = {}
        for i, shared in overlap.items():
            sim = 2 * shared / (mass + self._mass[i])
            owner = self._owner[i]
            if sim > best.get(owner, 0.0):
                best[owner] = sim
        return best

    def fuzzy(self, text: str, candidates: Collection[str]) -> dict[str, float]:
        """Per candidate, the best rapidfuzz token-set ratio (0-1) of its texts against `text`.

        Token-set similarity forgives extra words on either side and word order, and
        character-level comparison forgives the typos the normaliser could not repair.

        Args:
            text: the question's content words, space-separated.
            candidates: the entry ids to compare.

        Returns:
            entry id → best ratio; candidates below the cutoff are absent.
        """
        best: dict[str, float] = {}
        if not text:
            return best
        ids = [i for tid in candidates for i in self._by_entry.get(tid, ())]
        choices = [self._text[i] for i in ids]
        for _, score, k in process.extract(text, choices, scorer=SCORER,
                                           limit=None, score_cutoff=FUZZY_CUTOFF):
            owner = self._owner[ids[k]]
            best[owner] = max(best.get(owner, 0.0), score / 100)
        return best
