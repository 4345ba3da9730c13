"""Similarity of a question to a candidate's closest sample text (terms and characters)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence

from rapidfuzz import fuzz, process

from bot.matching.terms import TermStats

PER_TEXT = 3  # entries with at most this many texts on average are compared text by text
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
        self._terms: list[frozenset[str]] = []  # the terms of each text
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
            self._terms.append(frozenset(doc_terms))
        # Entries with a few texts each (procedures: a name and a short name) are compared
        # text by text; entries with dozens of sample questions (topics) term by term.
        self._per_text = len(self._owner) <= PER_TEXT * len(self._by_entry)
        if not self._per_text:
            for i, term_set in enumerate(self._terms):
                for term in term_set:
                    self._local[term].setdefault(self._owner[i], []).append(i)

    def __len__(self) -> int:
        return len(self._owner)

    def similarity(self, weights: Mapping[str, float], mass: float,
                   candidates: Collection[str], touched: set[int] | None = None
                   ) -> dict[str, float]:
        """Per candidate, the weighted Dice overlap (0-1) with its closest text.

        Args:
            weights: the question's terms and their weights.
            mass: the summed weight of those terms.
            candidates: the entry ids to compare.
            touched: when given, receives the texts that share a term with the question.

        Returns:
            entry id → best overlap; candidates sharing no term are absent.
        """
        overlap = (self._by_text if self._per_text else self._by_term)(weights, candidates)
        if touched is not None:
            touched.update(overlap)
        best: dict[str, float] = {}
        for i, shared in overlap.items():
            sim = 2 * shared / (mass + self._mass[i])
            owner = self._owner[i]
            if sim > best.get(owner, 0.0):
                best[owner] = sim
        return best

    def _by_text(self, weights: Mapping[str, float], candidates: Collection[str]
                 ) -> dict[int, float]:
        """Per candidate text, the weight of the question terms it holds (set intersection
        in C): the cost follows the candidates' texts, not how common a word is."""
        asked = weights.keys()
        overlap: dict[int, float] = {}
        for tid in candidates:
            for i in self._by_entry.get(tid, ()):
                shared = asked & self._terms[i]
                if shared:
                    overlap[i] = sum(weights[t] for t in shared)
        return overlap

    def _by_term(self, weights: Mapping[str, float], candidates: Collection[str]
                 ) -> dict[int, float]:
        """The same, walking each term's texts among the candidates (many texts each)."""
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
        return overlap

    def fuzzy(self, text: str, candidates: Collection[str],
              only: Collection[int] | None = None) -> dict[str, float]:
        """Per candidate, the best rapidfuzz token-set ratio (0-1) of its texts against `text`.

        Token-set similarity forgives extra words on either side and word order, and
        character-level comparison forgives the typos the normaliser could not repair.

        Args:
            text: the question's content words, space-separated.
            candidates: the entry ids to compare.
            only: when given, the texts worth comparing (those sharing a term with the
                question: the others stay below the cutoff once typos are repaired).

        Returns:
            entry id → best ratio; candidates below the cutoff are absent.
        """
        best: dict[str, float] = {}
        if not text:
            return best
        ids = [i for tid in candidates for i in self._by_entry.get(tid, ())
               if only is None or i in only]
        choices = [self._text[i] for i in ids]
        for _, score, k in process.extract(text, choices, scorer=SCORER,
                                           limit=None, score_cutoff=FUZZY_CUTOFF):
            owner = self._owner[ids[k]]
            best[owner] = max(best.get(owner, 0.0), score / 100)
        return best
