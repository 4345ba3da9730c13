"""A topic index: IDF-weighted word coverage plus rapidfuzz similarity to sample questions."""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.knowledge.loader import KnowledgeBase
from bot.language.facets import FacetDetector
from bot.language.normalize import Normalizer, tokenize

# Blend of the two signals; tuned on tests/data/eval.jsonl (see benchmarks/ and the README).
W_COVERAGE = 0.55
W_FUZZY = 0.45
KEYWORD_BONUS = 8.0


@dataclass(frozen=True)
class Candidate:
    """One ranked topic with its score (0-100) and the signals behind it."""

    topic_id: str
    score: float
    coverage: float
    fuzzy: float


@dataclass(frozen=True)
class MatchResult:
    """The ranked candidates for one question, with its normalised form and facet."""

    normalized: str
    tokens: tuple[str, ...]
    content: tuple[str, ...]
    facet: str | None
    candidates: tuple[Candidate, ...]

    @property
    def best(self) -> Candidate | None:
        """The top candidate, if any topic scored at all."""
        return self.candidates[0] if self.candidates else None


def _bigrams(tokens: Sequence[str]) -> set[str]:
    return {f"{a} {b}" for a, b in itertools.pairwise(tokens)}


class TopicIndex:
    """Scores every topic for a question. Immutable; rebuild it when the knowledge changes."""

    def __init__(self, kb: KnowledgeBase) -> None:
        """Build the index (normaliser, vocabulary, IDF, sample-question strings).

        Args:
            kb: the loaded knowledge base.
        """
        self.version = kb.version
        vocab: set[str] = set()
        texts: dict[str, list[str]] = defaultdict(list)
        for topic in kb.topics.values():
            for text in (topic.title, *topic.questions, *topic.keywords, topic.summary):
                vocab.update(tokenize(text))
        self.normalizer = Normalizer(kb.abbreviations, vocab)
        self.facets = FacetDetector(kb.facet_cues)
        self._stopwords = frozenset(tokenize(" ".join(kb.stopwords)))
        self._greetings = {self.normalizer.normalize(g) for g in kb.greetings}
        self._thanks = {self.normalizer.normalize(t) for t in kb.thanks}
        self._topic_terms: dict[str, set[str]] = {}
        self._keywords: dict[str, list[tuple[str, ...]]] = {}
        for topic in kb.topics.values():
            for text in (topic.title, topic.title, *topic.questions, *topic.keywords):
                texts[topic.id].append(" ".join(self.content(self.normalizer.tokens(text))))
            terms: set[str] = set()
            for text in texts[topic.id]:
                words = text.split()
                terms.update(words)
                terms.update(_bigrams(words))
            self._topic_terms[topic.id] = terms
            self._keywords[topic.id] = [tuple(self.normalizer.tokens(k)) for k in topic.keywords]
        df = Counter(term for terms in self._topic_terms.values() for term in terms)
        n = len(self._topic_terms) or 1
        self._idf = {term: math.log((n + 1) / (count + 0.5)) for term, count in df.items()}
        self._idf_unknown = math.log((n + 1) / 0.5)
        self._choices: list[str] = []
        self._owners: list[str] = []
        for tid, items in texts.items():
            for text in dict.fromkeys(items):
                if text:
                    self._choices.append(text)
                    self._owners.append(tid)
        self.topic_ids = tuple(kb.topics)

    def content(self, tokens: Sequence[str]) -> list[str]:
        """Drop facet cue phrases and stopwords, keeping the words that name a topic.

        Cues go as whole phrases: dropping every word of every cue would also drop topic
        words ("ho so", "online", "thanh toan") that merely occur inside some cue.
        """
        return [t for t in self.facets.without_cues(tokens) if t not in self._stopwords]

    def is_greeting(self, normalized: str) -> bool:
        """A message that is only a greeting."""
        return normalized in self._greetings

    def is_thanks(self, normalized: str) -> bool:
        """A message that is only thanks."""
        return normalized in self._thanks

    def _idf_of(self, term: str) -> float:
        return self._idf.get(term, self._idf_unknown)

    def _coverage(self, content: Sequence[str]) -> dict[str, float]:
        terms = list(dict.fromkeys([*content, *_bigrams(content)]))
        total = sum(self._idf_of(t) for t in terms)
        if not total:
            return {}
        return {tid: sum(self._idf_of(t) for t in terms if t in own) / total
                for tid, own in self._topic_terms.items()}

    def _fuzzy(self, query: str) -> dict[str, float]:
        best: dict[str, float] = {}
        if not query or not self._choices:
            return best
        for _, score, i in process.extract(query, self._choices, scorer=fuzz.token_sort_ratio,
                                           limit=None):
            owner = self._owners[i]
            if score > best.get(owner, 0.0):
                best[owner] = float(score)
        return best

    def match(self, text: str, limit: int = 5) -> MatchResult:
        """Rank topics for a question.

        Args:
            text: the citizen's message as typed.
            limit: how many candidates to keep.

        Returns:
            The ranked candidates (best first) with the normalised text and facet.
        """
        tokens = self.normalizer.tokens(text)
        content = self.content(tokens)
        facet = self.facets.detect(tokens)
        coverage = self._coverage(content)
        fuzzy = self._fuzzy(" ".join(content))
        candidates = []
        for tid in self.topic_ids:
            cov, fz = coverage.get(tid, 0.0), fuzzy.get(tid, 0.0)
            score = W_COVERAGE * cov * 100 + W_FUZZY * fz
            if any(_contains(tokens, kw) for kw in self._keywords[tid] if kw):
                score += KEYWORD_BONUS
            candidates.append(Candidate(tid, round(min(score, 100.0), 1), cov, fz))
        candidates.sort(key=lambda c: -c.score)
        return MatchResult(" ".join(tokens), tuple(tokens), tuple(content), facet,
                           tuple(c for c in candidates[:limit] if c.score > 0))


def _contains(tokens: Sequence[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(tokens[i:i + n]) == phrase for i in range(len(tokens) - n + 1))
