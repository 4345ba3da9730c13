"""The alternatives behind the best match, ordered by a linear model fitted on the tuning sets.

The best entry keeps its place and every place keeps its score (so what the bot answers, and
whether it answers, do not change). Only which entries fill the places behind it changes:
the "did you mean" choices. The hand-made rules rank those places on the score meant for the
first place; a small logistic model (bot/matching/alternatives.json, fitted by
`python -m bot.matching.fit_alternatives` on tests/data/catalog_tune*.jsonl and the curated
tests/data/eval.jsonl only) weighs that score with how much of the question each entry's name
and texts hold.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from operator import mul
from pathlib import Path

from bot.matching.entries import Entry, code_of
from bot.matching.ranking import doubt

log = logging.getLogger(__name__)

MODEL = Path(__file__).with_name("alternatives.json")
POOL = 12  # entries behind the best one that the model may bring forward
KEPT = 2  # of the hand-made places behind the best, these may be kept...
CLOSE = 0.9  # ...by a curated topic shown with at least this share of the best one's score
RANKS = 5  # the first few places of the hand-made order are features of their own
FEATURES = ("score", "place", "coverage", "topic", "name_dice", "held", "name_held",
            "same_field", "bias", *(f"place_{k}" for k in range(RANKS)), "topic_name_dice",
            "topic_held", "topic_score", "name_dice_sq", "fuzzy", "topic_fuzzy", "shown")
Pool = Sequence[tuple[str, float, float, float]]  # (entry id, raw score, coverage, fuzzy)


class Alternatives:
    """Orders the places behind the best entry; without a model the order is unchanged."""

    def __init__(self, entries: Mapping[str, Entry], words: Callable[[str], Sequence[str]],
                 stop: Collection[str], holders: Callable[[str], Sequence[Collection[str]]],
                 fields_of: Callable[[str], frozenset[str]],
                 weights: Sequence[float] | None = None) -> None:
        """Args:
            entries: every entry by id.
            words: a text as folded words, abbreviations expanded.
            stop: words that name nothing.
            holders: for a word, the collections of entries whose texts hold it.
            fields_of: the catalogue fields an entry belongs to (a topic: those of its codes).
            weights: one per FEATURES; None reads MODEL (no model: the order is kept).
        """
        self._entries = entries
        self._words = words
        self._stop = frozenset(stop)
        self._names: dict[str, frozenset[str]] = {}  # filled as entries reach a pool
        self._holders = holders
        self._fields_of = fields_of
        self.weights = list(weights) if weights is not None else load_weights(MODEL)
        # Fitting replaces this to record what the model sees (bot.matching.fit_alternatives).
        self.recorder: Callable[[str, Pool, frozenset[str]], None] | None = None

    def features(self, head: str, pool: Pool, asked: Collection[str]) -> list[list[float]]:
        """One feature row per pool entry (FEATURES order)."""
        words = frozenset(asked)
        fields = self._fields_of(head)
        top = max((score for _, score, _, _ in pool), default=0.0) or 1.0
        counts = dict.fromkeys((tid for tid, *_ in pool), 0)  # how many asked words each holds
        for word in words:
            for holders in self._holders(word):
                for tid in [t for t in counts if t in holders]:
                    counts[tid] += 1
        rows = []
        for place, (tid, score, cov, fuzzy) in enumerate(pool):
            name = self._name_words(tid)
            shared = len(name & words)
            dice = 2 * shared / (len(name) + len(words) or 1)
            held = counts[tid] / (len(words) or 1)
            topic = 0.0 if code_of(tid) is not None else 1.0
            mine = self._fields_of(tid)
            rel = max(score, 0.0) / top
            rows.append([rel, 1 / (1 + place), cov, topic, dice, held,
                         shared / (len(words) or 1), float(bool(fields & mine)), 1.0,
                         *(float(place == k) for k in range(RANKS)), dice * topic,
                         held * topic, rel * topic, dice * dice, fuzzy / 100,
                         fuzzy / 100 * topic, max(score, 0.0) * doubt(tid, cov) / top])
        return rows

    def _name_words(self, entry_id: str) -> frozenset[str]:
        """An entry's name (a topic's title) as content words."""
        words = self._names.get(entry_id)
        if words is None:
            texts = self._entries[entry_id].texts
            words = frozenset(self._words(texts[0].text) if texts else ()) - self._stop
            self._names[entry_id] = words
        return words

    def order(self, head: tuple[str, float, float], pool: Pool, asked: Collection[str]
              ) -> list[str]:
        """The pool's entry ids, likeliest first (the pool's own order without a model).

        Args:
            head: the best entry (id, raw score, coverage); it keeps the first place.
            pool: the entries behind it, in the hand-made order.
            asked: the question's content words.
        """
        if self.recorder is not None:
            self.recorder(head[0], pool, frozenset(asked))
        if not self.weights or len(pool) < 2:
            return [tid for tid, *_ in pool]
        w = self.weights
        rows = self.features(head[0], pool, asked)
        value = [sum(map(mul, w, row)) for row in rows]  # the rows are FEATURES long
        ranked = sorted(range(len(pool)), key=lambda i: (-value[i], i))
        # A curated topic shown nearly as confidently as the best entry is the rich answer
        # next to it: it keeps its place (the model was fitted mostly on catalogue questions).
        best = max(head[1], 0.0) * doubt(head[0], head[2])
        kept = {i for i in range(min(KEPT, len(pool))) if code_of(pool[i][0]) is None
                and pool[i][1] >= CLOSE * best}
        free = iter(i for i in ranked if i not in kept)
        return [pool[i if i in kept else next(free)][0] for i in range(len(pool))]


def load_weights(path: Path) -> list[float] | None:
    """The fitted weights, or None (logged) when the file is missing or was fitted for
    other features."""
    try:
        model = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    weights = model.get("weights") if isinstance(model, dict) else None
    if not isinstance(weights, dict) or list(weights) != list(FEATURES):
        log.warning("%s: fitted for other features; alternatives keep the hand-made order", path)
        return None
    return [float(weights[name]) for name in FEATURES]
