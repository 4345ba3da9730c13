"""Variants of one procedure (khai sinh / khai sinh có yếu tố nước ngoài / lưu động / đăng ký
lại): the one the question names wins; when it names none, the plain one does."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from itertools import pairwise

from bot.matching.entries import Entry, catalog_id, code_of

REORDER_TOP = 6  # only the best few candidates are compared pairwise
NAMED_SHARE = 0.5  # share of a variant's extra words the question must contain to name it
VARIANT_GAP = 10.0  # points an unnamed variant is put behind the plain procedure
SAMPLE_SHARE = 0.75  # word overlap (Jaccard) from which a question is a topic's sample one
RECURRING = 2  # sample texts a word must appear in to be part of a topic's vocabulary
CLOSE_SHARE = 0.65  # a plain procedure overtakes an unnamed variant only from this close
# Words that say where a procedure is done ("tại Công an cấp tỉnh", "thực hiện tại cấp xã"),
# not which variant it is: a question need not name them to name the variant.
AGENCY = frozenset(["tai", "thuc", "hien", "cap", "tinh", "xa", "huyen", "trung", "uong",
                    "cong", "an"])
_PREFIX = re.compile(r"^\s*thủ tục\s+", re.IGNORECASE)
_PARENS = re.compile(r"\([^()]*\)")  # "(thực hiện tại cấp tỉnh)": the level, not a variant
Raw = dict[str, tuple[float, float, float]]
Asked = tuple[set[str], set[str], set[str]]  # the question's tokens, content words, word pairs


class Variants:
    """Compares procedure names as word sets: B is a variant of A when B's name holds every
    word of A's and more ("đăng ký khai sinh" ⊂ "đăng ký khai sinh lưu động")."""

    def __init__(self, entries: Mapping[str, Entry], words: Callable[[str], list[str]],
                 stopwords: Collection[str]) -> None:
        """Args:
            entries: every entry by id (procedure names are their first text).
            words: folds a name into words (abbreviations expanded, no typo repair).
            stopwords: words that tell no variant apart.
        """
        self._entries = entries
        self._words = words
        self._stop = frozenset(stopwords)
        self._cache: dict[str, frozenset[str]] = {}
        self._names: dict[str, list[frozenset[str]]] = {}
        self._vocab: dict[str, frozenset[str]] = {}

    def name_words(self, entry_id: str) -> frozenset[str] | None:
        """A procedure's name words; for a curated topic, those of its main (first listed)
        procedure; None when there is no name to compare."""
        if code_of(entry_id) is None:
            entry = self._entries.get(entry_id)
            code = entry.codes[0] if entry is not None and entry.codes else None
            if code is None:
                return None
            entry_id = catalog_id(code)
        if entry_id not in self._cache:
            entry = self._entries.get(entry_id)
            if entry is None or not entry.texts:
                return None
            name = _PARENS.sub(" ", _PREFIX.sub("", entry.texts[0].text))
            self._cache[entry_id] = frozenset(self._words(name))
        return self._cache[entry_id]

    def names(self, entry_id: str) -> list[frozenset[str]]:
        """Every name an entry answers to: a procedure's own; a topic's listed procedures'."""
        cached = self._names.get(entry_id)
        if cached is None:
            cached = self._names[entry_id] = self._names_uncached(entry_id)
        return cached

    def _names_uncached(self, entry_id: str) -> list[frozenset[str]]:
        entry = self._entries.get(entry_id)
        if code_of(entry_id) is not None or entry is None:
            own = self.name_words(entry_id)
            return [own] if own else []
        found = (self.name_words(catalog_id(code)) for code in entry.codes)
        return [words for words in found if words]

    def _variant_extra(self, plain: str, variant: str) -> frozenset[str] | None:
        """The fewest words `variant` adds to a name of `plain`; None if it is no variant.
        Two curated topics are never variants of each other: their order stays as tuned."""
        if code_of(plain) is None and code_of(variant) is None:
            return None
        extras = [v - p for p in self.names(plain) for v in self.names(variant) if p < v]
        return min(extras, key=len) if extras else None

    def reorder(self, raw: Raw, tokens: Sequence[str], content: Sequence[str]) -> None:
        """Among the best candidates, put the variant the question names first, and the plain
        procedure before variants the question does not name (scores are swapped)."""
        asked = (set(tokens), set(content), {f"{a} {b}" for a, b in pairwise(content)})
        top = sorted(raw, key=lambda t: -raw[t][0])[:REORDER_TOP]
        for i, upper in enumerate(top):
            for lower in top[i + 1:]:
                if raw[lower][0] > raw[upper][0]:
                    continue  # already swapped
                close = raw[lower][0] >= CLOSE_SHARE * raw[upper][0]
                if self._should_swap(upper, lower, asked, close, code_of(upper) is None):
                    raw[upper], raw[lower] = raw[lower], raw[upper]
        self._behind_the_plain_one(raw, top, asked)

    def _behind_the_plain_one(self, raw: Raw, top: list[str],
                              asked: Asked) -> None:
        """Variants the question does not name trail the plain procedure by VARIANT_GAP, so
        it is answered (they are offered as "did you mean" below the answer)."""
        best = max(top, key=lambda t: raw[t][0], default=None)
        if best is None:
            return
        ceiling = raw[best][0] - VARIANT_GAP
        for other in top:
            extra = self._variant_extra(best, other) if other != best else None
            if extra is not None and not self._named(extra, asked) and raw[other][0] > ceiling:
                raw[other] = (ceiling, *raw[other][1:])

    def _should_swap(self, upper: str, lower: str, asked: Asked,
                     close: bool, curated: bool) -> bool:
        """Whether `lower` should go before `upper`. A variant the question names goes before
        a curated topic however far behind: the topic answers for the plain procedure only."""
        if not (close or curated):
            return False
        extra = self._variant_extra(upper, lower)
        if extra is not None:  # lower is a variant of upper: swap when the question names it
            # From far behind, only for words the topic's own questions do not keep using
            # ("công an" is where one renews a licence, not the police officers' licence).
            return self._named(extra, asked) and (close or (
                bool((extra - self._stop) & asked[1] - self._vocabulary(upper))
                and bool(self._extra_pairs(lower, extra) & asked[2])
                and not self._rewords_a_sample(upper, asked[1])))
        if not close:
            return False
        extra = self._variant_extra(lower, upper)
        if extra is not None:  # upper is a variant of lower: swap unless the question names it
            return not self._named(extra, asked)
        return False

    def _extra_pairs(self, entry_id: str, extra: frozenset[str]) -> set[str]:
        """Adjacent pairs of a variant's extra words in its name ("nuoc ngoai", "luu dong"):
        named together, they say which variant far better than scattered syllables."""
        entry = self._entries.get(entry_id)
        if entry is None or not entry.texts:
            return set()
        words = [w for w in self._words(entry.texts[0].text) if w not in self._stop]
        return {f"{a} {b}" for a, b in pairwise(words)
                if a in extra and b in extra}

    def _rewords_a_sample(self, topic_id: str, content: set[str]) -> bool:
        """Whether the question's words are mostly those of one of the topic's sample texts:
        the topic claims that question as written."""
        entry = self._entries[topic_id]
        samples = (frozenset(self._words(t.text)) - self._stop for t in entry.texts if t.sample)
        return any(len(content & words) >= SAMPLE_SHARE * len(content | words)
                   for words in samples)

    def _vocabulary(self, topic_id: str) -> frozenset[str]:
        """A curated topic's words: its keywords' and those of two or more of its sample
        texts (titles, keywords, questions); cached."""
        cached = self._vocab.get(topic_id)
        if cached is None:
            entry = self._entries[topic_id]
            seen = Counter(w for t in entry.texts if t.sample for w in set(self._words(t.text)))
            keywords = {w for k in entry.keywords for w in self._words(k)}
            cached = self._vocab[topic_id] = frozenset(
                keywords | {w for w, n in seen.items() if n >= RECURRING})
        return cached

    def _named(self, extra: frozenset[str], asked: Asked) -> bool:
        """Whether the question names a variant's extra words ("lưu động", "lại", "có yếu
        tố nước ngoài"): half of its meaningful words, or its only (stop)word."""
        tokens, content, _ = asked
        extra = extra - AGENCY or extra
        strong = extra - self._stop
        if not strong:
            return bool(extra & tokens)
        return len(strong & content) / len(strong) >= NAMED_SHARE

    def siblings(self, entry_id: str, candidates: Sequence[str]) -> tuple[str, ...]:
        """Candidates that are variants of the answered entry (or it of them): "did you
        mean" choices shown under the answer."""
        return tuple(other for other in candidates if other != entry_id and (
            self._variant_extra(entry_id, other) is not None
            or self._variant_extra(other, entry_id) is not None))

