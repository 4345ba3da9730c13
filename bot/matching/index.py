"""A topic index: BM25-style coverage, closest sample question and fuzzy similarity."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from bot.knowledge.loader import KnowledgeBase
from bot.language.facets import FacetDetector
from bot.language.normalize import Normalizer, tokenize
from bot.matching.actions import Actions
from bot.matching.alternatives import POOL, Alternatives
from bot.matching.distinct import Distinct
from bot.matching.entries import Entry, topic_entries
from bot.matching.fields import Fields
from bot.matching.group import EntryGroup
from bot.matching.ranking import calibrate, contains, doubt, fold_covered
from bot.matching.situations import Situations
from bot.matching.subject import Subjects
from bot.matching.terms import terms
from bot.matching.variants import Variants


@dataclass(frozen=True)
class Weights:
    """How the signals combine into a score; tuned on tests/data/eval.jsonl only."""

    coverage: float = 0.2  # share of the question's term weight that the topic explains
    similarity: float = 0.2  # weighted overlap with the topic's closest sample question
    fuzzy: float = 0.6  # rapidfuzz token-set similarity to the closest sample question
    evidence: float = 8.0  # matched weight at which the evidence factor reaches 1 - 1/e
    outside: float = 0.5  # score factor when the question names an uncovered service
    lead: float = 0.5  # share of the lead over the closest competitor added to a score
    title_weight: float = 2.0
    summary_weight: float = 0.3


WEIGHTS = Weights()
NAME_DICE = 0.6  # word overlap of a procedure name with a question that asks for exactly it
SHOWN = 12  # candidates kept for the answer, the suggestions and the variants offered
_RUN3 = re.compile(r"([a-z])\1{2,}")
# Besides the stopwords (em, ạ, nhé, bạn, admin...), the words that only add politeness to a
# greeting or a thank-you: "e cảm ơn", "cháu cảm ơn", "con chào".
_COURTESY = frozenset({"e", "chau", "con"})


@dataclass(frozen=True)
class Candidate:
    """One ranked topic with its score (0-100) and the signals behind it."""

    topic_id: str
    score: float
    coverage: float
    fuzzy: float
    rank: float | None = None  # the unrounded score that orders candidates; score when None
    code: str | None = None  # the catalogue procedure behind it (a topic's closest listed code)

    def __post_init__(self) -> None:
        if self.rank is None:
            object.__setattr__(self, "rank", self.score)

    @property
    def key(self) -> float:
        """The ranking value as a float (mypy: rank is never None after construction)."""
        return self.score if self.rank is None else self.rank


@dataclass(frozen=True)
class MatchResult:
    """The ranked candidates for one question, with its normalised form and facet."""

    normalized: str
    tokens: tuple[str, ...]
    content: tuple[str, ...]
    facet: str | None
    candidates: tuple[Candidate, ...]
    outside: bool = False  # the question names a service the knowledge base does not cover
    variants: tuple[str, ...] = ()  # variants of the best candidate ("did you mean" choices)
    unheld: tuple[str, ...] = ()  # the question's subjects the best candidate does not hold

    @property
    def best(self) -> Candidate | None:
        """The top candidate, if any topic scored at all."""
        return self.candidates[0] if self.candidates else None


class TopicIndex:
    """Scores every topic for a question. Immutable; rebuild it when the knowledge changes."""

    def __init__(self, kb: KnowledgeBase, weights: Weights | None = None,
                 extra: Iterable[Entry] = ()) -> None:
        """Build the index (normaliser, term statistics, sample-text index).

        Args:
            kb: the loaded knowledge base.
            weights: signal weights; the tuned defaults when None.
            extra: more entries ranked with the topics (catalogue procedures).
        """
        self.version = kb.version
        self.weights = w = weights or WEIGHTS
        self.facets = FacetDetector(kb.facet_cues)
        self._stop = frozenset(tokenize(" ".join(kb.stopwords)))
        curated = list(topic_entries(kb, w.title_weight, w.summary_weight))
        extra = list(extra)
        entries = [*curated, *extra]
        self.entries = {e.id: e for e in entries}
        # A procedure listed under a curated topic's codes is answered by that topic.
        self.covered = {code: e.id for e in curated for code in e.codes}
        expander = Normalizer(kb.abbreviations, ())
        vocab: set[str] = set()
        self.groups = [EntryGroup(self._docs(group, expander, vocab),
                                  None if group is curated else max(len(curated), 1))
                       for group in (curated, extra) if group]
        self.stats = self.groups[0].stats
        phrases = {p for g in self.groups for p in g.stats.phrases()}
        self.normalizer = Normalizer(kb.abbreviations, vocab, phrases)
        self.variants = Variants(self.entries, lambda name: expander.expand(tokenize(name)),
                                 self._stop)
        last = self.groups[-1]
        self.distinct = Distinct(self.entries, [e.id for e in curated],
                                 lambda text: self._terms(expander.expand(tokenize(text))),
                                 lambda word: last.weight(word, self.groups[0]))
        self.fields = Fields(self.entries, [e.id for e in curated])
        self.actions = Actions(self.entries, lambda name: expander.expand(tokenize(name)))
        self.alternatives = Alternatives(
            self.entries, lambda name: expander.expand(tokenize(name)), self._stop,
            self._holders, self.fields.fields_of)
        # A keyword phrase ("căn cước", "sổ đỏ") names its topic outright; keyed by first word.
        self._named: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for entry in entries:
            for keyword in entry.keywords:
                phrase = tuple(self.normalizer.tokens(keyword))
                if phrase:
                    self._named[phrase[0]].append((phrase, entry.id))
        self._courtesy = self._stop | _COURTESY
        self._greetings = self._smalltalk(kb.greetings)
        self._thanks = self._smalltalk(kb.thanks)
        # Outside phrases name things the knowledge base does not know, so they are compared
        # before typo repair, which would bend "tiki" or "evn" into some known word.
        self._outside: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for outside in kb.outside:
            words = tuple(self.normalizer.expand(tokenize(outside)))
            if words:
                self._outside[words[0]].append(words)
        self.topic_ids = tuple(kb.topics)
        self.situations = Situations()
        self.subjects = Subjects(kb, self.entries, self.groups,
                                 lambda text: self.normalizer.expand(tokenize(text)), self._stop,
                                 self.situations.triggers())

    def _docs(self, entries: list[Entry], expander: Normalizer, vocab: set[str]
              ) -> list[tuple[str, list[str], float, bool]]:
        """(entry id, terms, weight, is a sample) of every text; collects the vocabulary."""
        docs = []
        for entry in entries:
            for text in entry.texts:
                words = tokenize(text.text)
                vocab.update(words)
                docs.append((entry.id, self._terms(expander.expand(words)), text.weight,
                             text.sample))
        return docs

    def _holders(self, word: str) -> list[Collection[str]]:
        """The entries whose texts hold a word, one collection per group."""
        return [g.stats.strength[word] for g in self.groups if word in g.stats.strength]

    def _terms(self, tokens: Sequence[str]) -> list[str]:
        return terms(self.facets.without_cues(tokens), self._stop)

    def content(self, tokens: Sequence[str]) -> list[str]:
        """Drop facet cue phrases and stopwords, keeping the words that name a topic."""
        return [t for t in self.facets.without_cues(tokens) if t not in self._stop]

    def _plain(self, text: str) -> str:
        """Folded words, abbreviations expanded, letter runs squeezed, but no typo repair.

        Typo repair would turn "tks" (thanks) into "tk" → "tai khoan" (account), making
        "tài khoản" a thank-you.
        """
        words = [_RUN3.sub(r"\1", t) for t in tokenize(text)]
        return " ".join(self.normalizer.expand(words))

    def _core(self, text: str) -> str:
        """The plain words without courtesy words ("em cảm ơn ạ" → "cam on")."""
        return " ".join(w for w in self._plain(text).split() if w not in self._courtesy)

    def _smalltalk(self, phrases: Sequence[str]) -> frozenset[str]:
        """Each phrase as typed and, when something is left, without its courtesy words."""
        return frozenset(form for p in phrases for form in (self._plain(p), self._core(p))
                         if form)

    def is_greeting(self, text: str) -> bool:
        """A message (as typed) that is only a greeting, perhaps with courtesy words."""
        return self._plain(text) in self._greetings or self._core(text) in self._greetings

    def is_thanks(self, text: str) -> bool:
        """A message (as typed) that is only thanks, perhaps with courtesy words."""
        return self._plain(text) in self._thanks or self._core(text) in self._thanks

    def named_topics(self, tokens: Sequence[str]) -> frozenset[str]:
        """Topics one of whose keyword phrases occurs in a question.

        Args:
            tokens: the question's normalised tokens (`MatchResult.tokens`).

        Returns:
            The ids of those topics.
        """
        return frozenset(tid for first in set(tokens) for phrase, tid in self._named.get(first, ())
                         if contains(tokens, phrase))

    def names_outside_service(self, text: str) -> bool:
        """Whether the message names a service from `outside` (weather, lottery, loans...).

        Args:
            text: the message as typed.

        Returns:
            True when an outside phrase occurs (compared on folded, expanded words).
        """
        return bool(self.outside_phrases(text))

    def outside_phrases(self, text: str) -> list[tuple[str, ...]]:
        """The outside phrases a message names (folded, expanded words)."""
        tokens = self.normalizer.expand(tokenize(text))
        return [p for first in set(tokens) for p in self._outside.get(first, ())
                if contains(tokens, p)]

    def match(self, text: str, limit: int = 5) -> MatchResult:
        """Rank topics for a question.

        Args:
            text: the citizen's message as typed.
            limit: how many candidates to keep.

        Returns:
            The ranked candidates (best first) with the normalised text and facet.
        """
        tokens = self.normalizer.tokens(text)
        spans = self.facets.spans(tokens)  # once: facet, content and terms all read them
        facet = spans[0][2] if spans else None
        uncued = self.facets.without_spans(tokens, spans)
        content = [t for t in uncued if t not in self._stop]
        phrases = self.outside_phrases(text)
        outside = bool(phrases)
        query = terms(uncued, self._stop)
        lent = self.situations.lent(tokens)
        raw: dict[str, tuple[float, float, float]] = {}
        for i, group in enumerate(self.groups):
            other = self.groups[0] if i else None  # curated words stand in for the catalogue
            scored = group.scores(query, " ".join(content), self.weights, outside and not i,
                                  other, lent if i else ())
            if i and outside:
                self._outside_of_names(scored, phrases, content)
            raw.update(scored)
        codes = fold_covered(raw, self.covered, self.entries)
        self.actions.reorder(raw, [*tokens, *lent])
        self.variants.reorder(raw, tokens, content)
        self.distinct.prefer(raw, query, codes)
        self.fields.second(raw)
        self.fields.diverse(raw)
        # Calibration keeps the order, so only the best few become Candidates.
        ranked = sorted(raw.items(), key=lambda kv: (-kv[1][0], kv[0]))[:max(limit, SHOWN,
                                                                               POOL + 1)]
        shown = dict(ranked[:max(limit, SHOWN)])
        candidates = [Candidate(tid, round(min(max(s * doubt(tid, cov), 0.0), 100.0), 1),
                                round(cov, 3), fz, s, codes.get(tid))
                      for tid, (s, cov, fz) in calibrate(shown, self.weights.lead).items()]
        candidates.sort(key=lambda c: (-c.key, c.topic_id))
        # Decided on the scores' own order, as the answer is: the alternatives only reorder.
        unheld = self.subjects.unheld(uncued, [c.topic_id for c in candidates],
                                      lambda: self.named_topics(tokens))
        if candidates:  # the places behind the best: see bot/matching/alternatives.py
            head = candidates[0].topic_id
            order = self.alternatives.order((head, *raw[head][:2]), [
                (tid, *scores) for tid, scores in ranked if tid != head], content)
            candidates[1:] = [c if c.topic_id == tid else replace(c, topic_id=tid,
                                                                   code=codes.get(tid))
                              for c, tid in zip(candidates[1:], order, strict=False)]
        kept = tuple(c for c in candidates[:limit] if c.score > 0)
        variants = self.variants.siblings(kept[0].topic_id,
                                          [c.topic_id for c in candidates[1:]]) if kept else ()
        return MatchResult(" ".join(tokens), tuple(tokens), tuple(content), facet, kept,
                           outside, variants, unheld)

    def _outside_of_names(self, raw: dict[str, tuple[float, float, float]],
                          phrases: list[tuple[str, ...]], content: Sequence[str]) -> None:
        """Outside phrases ("thủy sản", "hải quan") describe what the curated topics do not
        cover. A procedure is spared the penalty when its name holds the phrase and is close
        to the question as a whole (word Dice): a long name that merely mentions the phrase
        ("... biểu diễn nghệ thuật" in an animal quarantine) is no answer."""
        asked = set(content)
        for tid, (score, cov, fz) in raw.items():
            words = self.variants.name_words(tid) or frozenset()
            dice = 2 * len(words & asked) / (len(words) + len(asked) or 1)
            if dice < NAME_DICE or not any(words.issuperset(p) for p in phrases):
                raw[tid] = (score * self.weights.outside, cov, fz)
