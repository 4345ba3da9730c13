"""One group of entries with its own term statistics: candidates first, then precise scores."""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from typing import Protocol

from bot.matching.samples import SampleIndex
from bot.matching.terms import TermStats

# Candidate generation: entries are gathered from the posting lists of the question's
# selective terms (at most POSTING_CAP entries hold them), the best CANDIDATES by that partial
# mass are scored in full. Common words ("cap", "giay") still count in the full score.
POSTING_CAP = 400
CANDIDATES = 40
# Character-level comparison (the costliest signal) only for the best of them by words.
FUZZY_TOP = 8
COVERAGE_FLOOR = 0.7
# Weight of a term a situation lends (bot/matching/situations.py), as a share of its own: it
# explains the citizen's words without adding to what the question asks.
LENT_SHARE = 0.6


class ScoreWeights(Protocol):
    """The signal weights a group needs (see index.Weights)."""

    @property
    def coverage(self) -> float: ...
    @property
    def similarity(self) -> float: ...
    @property
    def fuzzy(self) -> float: ...
    @property
    def evidence(self) -> float: ...
    @property
    def outside(self) -> float: ...


class EntryGroup:
    """Curated topics and catalogue procedures are scored in separate groups, each with the
    word rarities of its own texts, so thousands of procedures do not shift how the curated
    topics score; their scores share one 0-100 scale and are ranked together."""

    def __init__(self, docs: Sequence[tuple[str, Sequence[str], float, bool]],
                 reference: int | None = None) -> None:
        """Build the statistics.

        Args:
            docs: (entry id, terms of one text, weight of the text, is a sample text).
            reference: the number of entries of the group whose scale the weights were tuned
                on (the curated topics); None for that group itself.
        """
        size = len({tid for tid, _, _, _ in docs})
        # Rare words weigh log(entries) at most: in a group of thousands a few words reach
        # the evidence mass that takes many in a group of thirty, so the mass is rescaled.
        self.scale = math.log(size + 1) / math.log(reference + 1) if reference else 1.0
        self.stats = TermStats.build((tid, t, weight) for tid, t, weight, _ in docs)
        self.samples = SampleIndex(self.stats, [(tid, t) for tid, t, _, sample in docs
                                                if sample])

    def candidates(self, weights: dict[str, float]) -> dict[str, float]:
        """The entries worth scoring, with the question's term mass each one explains.

        Entries are gathered from the posting lists of the selective terms (rarest first);
        the CANDIDATES best by that partial mass then get their full mass, common terms
        included. When every term is common, the rarest one's list is read whole.
        """
        strength = self.stats.strength
        lists = sorted((len(strength[t]), t) for t in weights if t in strength)
        partial: dict[str, float] = {}
        common = []  # terms too common to gather from: added to the chosen ones only
        for size, term in lists:
            if size > POSTING_CAP and partial:
                common.append(term)
                continue
            weight, get = weights[term], partial.get
            for tid, s in strength[term].items():
                partial[tid] = get(tid, 0.0) + weight * s
        if len(partial) > CANDIDATES:
            partial = dict(heapq.nlargest(CANDIDATES, partial.items(), key=lambda kv: kv[1]))
        for term in common:
            post, weight = strength[term], weights[term]
            for tid in partial:
                partial[tid] += weight * post.get(tid, 0.0)
        return partial

    def weight(self, term: str, other: EntryGroup | None) -> float:
        """A query term's weight here; a word only the other group knows weighs what it weighs
        there, rescaled ("xin", "làm" are common in questions, absent from procedure names)."""
        if term in self.stats.idf or other is None or term not in other.stats.idf:
            return self.stats.weight(term)
        return other.stats.weight(term)

    def scores(self, query: Sequence[str], content: str, w: ScoreWeights, outside: bool,
               other: EntryGroup | None = None, lent: Sequence[str] = ()
               ) -> dict[str, tuple[float, float, float]]:
        """Raw scores of this group's candidates for a question.

        Args:
            query: the question's terms.
            content: its content words, space-separated (for the fuzzy comparison).
            w: signal weights.
            outside: the question names a service nobody covers.
            other: the group whose word weights stand in for words unknown here.
            lent: terms the question's situations lend it ("cấp lại" for "bị mất"): they
                count when an entry holds them, but not in what the question asks.

        Returns:
            entry id → (score 0-100 before calibration, coverage, fuzzy ratio).
        """
        weights = {t: self.weight(t, other) for t in query}
        total = sum(weights.values())
        if not total:
            return {}
        lent_weights = {t: LENT_SHARE * self.stats.weight(t) for t in lent
                        if t not in weights and t in self.stats.idf}
        matched = self.candidates({**weights, **lent_weights})
        touched: set[int] = set()
        similarity = self.samples.similarity(weights, total, matched, touched)
        by_words = heapq.nlargest(FUZZY_TOP, matched, key=lambda tid: (
            w.coverage * matched[tid] / total + w.similarity * similarity.get(tid, 0.0)))
        fuzzy = self.samples.fuzzy(content, by_words, touched)
        factor = w.outside if outside else 1.0
        raw: dict[str, tuple[float, float, float]] = {}
        boosted: dict[str, float] = {}
        strength = self.stats.strength
        for tid, mass in matched.items():
            extra = sum(lw * strength[t].get(tid, 0.0)
                        for t, lw in lent_weights.items()) if lent_weights else 0.0
            sim, fz = similarity.get(tid, 0.0), fuzzy.get(tid, 0.0)
            plain = self._score(mass - extra, total, sim, fz, w)
            raw[tid] = (plain * factor, min((mass - extra) / total, 1.0), fz)
            boosted[tid] = self._score(mass, total, sim, fz, w) if extra else plain
        return _reorder(raw, boosted) if lent_weights else raw

    def _score(self, mass: float, total: float, sim: float, fz: float, w: ScoreWeights
               ) -> float:
        """The score (0-100) of an entry explaining `mass` of the question's `total`."""
        cov = min(mass / total, 1.0)
        evidence = 1 - math.exp(-mass / (w.evidence * self.scale))
        return 100 * (w.coverage * cov + w.similarity * sim + w.fuzzy * fz) * evidence


def _reorder(raw: dict[str, tuple[float, float, float]], boosted: dict[str, float]
             ) -> dict[str, tuple[float, float, float]]:
    """The entries in the order of their boosted scores, each taking the plain score (and
    coverage) of that rank: lent words choose among the group's entries without raising the
    group against the other one."""
    slots = sorted(((score, cov) for score, cov, _ in raw.values()), reverse=True)
    order = sorted(raw, key=lambda tid: (-boosted[tid], -raw[tid][0], tid))
    return {tid: (*slot, raw[tid][2]) for tid, slot in zip(order, slots, strict=True)}
