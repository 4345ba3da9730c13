"""Curated topics against the catalogue procedures they do not list (siblings): a sibling
whose own words the question names either goes just before the topic ("giám hộ" beside khai
sinh), or, when the topic's keywords name those words too ("sang tên xe"), the topic answers
and names that procedure's code."""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence

from bot.matching.entries import Entry, catalog_id, code_of

SIBLING_TOP = 20  # the procedures compared with a curated first are among the best few
CLOSE_SHARE = 0.5  # a sibling goes before the topic only from this share of its score
MIN_GAIN = 3.0  # the words a sibling adds must weigh at least one rare word ("ký" tells nothing)
FIRST_GAIN = 6.0  # a sibling goes before the topic only for words weighing two rare ones
NAMED_SHARE = 0.8  # share of the sibling's own words, or of the question's words the topic
# does not know, that the question must name (by weight)
SAMPLE_SHARE = 0.75  # word overlap (Jaccard) from which a question is a topic's sample one
# A procedure of the topic's own fields (a variant, the next step of the same matter) needs
# less: its field is the context the question shares with the topic.
FIELD_GAIN = 5.0
FIELD_NAMED = 0.6
PHRASE_MASS = 5.0  # or it names a phrase of its own the topic's questions do not use
OTHER_PHRASE_MASS = 14.0  # a procedure of another field needs a rarer phrase
LOST_FACTOR = 1.5  # how much the topic's own words the procedure lacks count against it
RECURRING = 2  # sample texts a word must appear in to be part of a topic's vocabulary
TIE = 0.001  # the topic is put this share behind the procedure preferred to it
_PREFIX = re.compile(r"^\s*thủ tục\s+", re.IGNORECASE)  # "Thủ tục đăng ký ...": no own word
# "(thực hiện tại cấp tỉnh)" names the level, not the procedure; "(đăng ký sang tên xe)" does.
_LEVEL = re.compile(r"\((?:thực hiện|cấp)[^()]*\)", re.IGNORECASE)
Raw = dict[str, tuple[float, float, float]]


class Distinct:
    """Curated topics' listed procedures and keywords against catalogue procedures' names."""

    def __init__(self, entries: Mapping[str, Entry], curated: Iterable[str],
                 words: Callable[[str], list[str]], weight: Callable[[str], float]) -> None:
        """Args:
            entries: every entry by id.
            curated: ids of the curated topics.
            words: a text's terms: content words and two-word phrases ("di chuc", which the
                words alone would not tell from "to chuc").
            weight: a word's rarity among the procedures (its weight in a question).
        """
        self._entries = entries
        self._words = words
        self._weight = weight
        self._names: dict[str, frozenset[str]] = {}
        self._all: dict[str, frozenset[str]] = {}
        self._listed: dict[str, frozenset[str]] = {}
        self._scope: dict[str, frozenset[str]] = {}
        self._samples: dict[str, list[frozenset[str]]] = {}
        self._fields: dict[str, frozenset[str]] = {}
        self._vocab: dict[str, frozenset[str]] = {}  # words the topic's questions keep using
        for tid in curated:
            entry = entries[tid]
            listed = (entries.get(catalog_id(code)) for code in entry.codes)
            self._fields[tid] = frozenset(e.field for e in listed if e is not None and e.field)
            self._listed[tid] = frozenset(w for code in entry.codes
                                          for w in self._name(catalog_id(code)))
            keywords = frozenset(w for text in entry.keywords for w in self._words(text))
            self._scope[tid] = self._listed[tid] | keywords
            self._samples[tid] = [frozenset(w for w in self._words(t.text) if " " not in w)
                                  for t in entry.texts if t.sample]
            seen = Counter(w for t in entry.texts if t.sample for w in set(self._words(t.text)))
            self._vocab[tid] = frozenset(w for w, n in seen.items() if n >= RECURRING)

    def _name(self, entry_id: str) -> frozenset[str]:
        """A procedure's name words (level qualifiers and "Thủ tục" left out); cached."""
        cached = self._names.get(entry_id)
        if cached is not None:
            return cached
        entry = self._entries.get(entry_id)
        if entry is None or not entry.texts:
            return frozenset()
        name = frozenset(self._words(_LEVEL.sub(" ", _PREFIX.sub("", entry.texts[0].text))))
        self._names[entry_id] = name
        self._all[entry_id] = frozenset(w for t in entry.texts for w in self._words(t.text))
        return name

    def _mass(self, words: Iterable[str]) -> float:
        return sum(self._weight(w) for w in words)

    def _siblings(self, raw: Raw, content: Sequence[str]) -> tuple[str, list[tuple[float, str]]]:
        """The curated topic ranked first and, best first, the catalogue procedures it does not
        list that name question words its listed procedures do not name: (gain, id)."""
        first = max(raw, key=lambda t: raw[t][0], default=None)
        if first is None or first not in self._scope:
            return "", []  # a procedure first
        ranked = heapq.nlargest(SIBLING_TOP, raw, key=lambda t: raw[t][0])
        best, asked = ranked[0], frozenset(content)
        listed = self._listed[best]
        found = []
        for other in ranked[1:]:
            if code_of(other) is None:
                continue
            gained = self._mass((asked & self._name(other)) - listed)
            lost = self._mass((asked & listed) - self._all[other])
            if gained >= MIN_GAIN and gained > lost:
                found.append((gained - lost, other))
        found.sort(key=lambda gm: -raw[gm[1]][0])  # the ranking knows best which fits
        return best, found

    def prefer(self, raw: Raw, content: Sequence[str], codes: dict[str, str]) -> str | None:
        """Settle the curated topic ranked first against its siblings: the topic names the
        code of the best sibling whose shared words its keywords hold too ("sang tên xe");
        a sibling that names words the topic does not know goes just before the topic when
        the question names enough of its own words (the two are then offered together).

        Returns:
            The id of the procedure put first, None when the order is kept.
        """
        best, found = self._siblings(raw, content)
        if not found:
            return None
        asked = frozenset(content)
        scope, listed = self._scope[best], self._listed[best]
        fields = self._fields[best]
        # Only a sibling of the topic's own fields: "sang tên" is both sổ đỏ and xe.
        inside = [other for _, other in found if self._inside(asked, other, listed, scope)
                  and (not fields or self._entries[other].field in fields)]
        if inside:
            codes[best] = code_of(inside[0]) or codes.get(best, "")
        words = frozenset(t for t in asked if " " not in t)
        if any(len(words & sample) >= SAMPLE_SHARE * len(words | sample)
               for sample in self._samples[best]):
            return None  # one of the topic's own sample questions, in other words
        chosen = next((other for _, other in found if other not in inside
                       and self._goes_first(raw, best, other, asked)), None)
        if chosen is None:
            return None
        # Just ahead, with the topic's confidence: the rest of the question is the context
        # the two share, so the procedure is not doubted for words the topic explained.
        top_score, cov = raw[best][0], max(raw[best][1], raw[chosen][1])
        raw[chosen] = (top_score, cov, raw[chosen][2])
        raw[best] = (top_score * (1 - TIE), *raw[best][1:])
        return chosen

    def _goes_first(self, raw: Raw, best: str, other: str, asked: frozenset[str]) -> bool:
        """Whether a sibling names enough of its own name, or of what the topic leaves
        unexplained, to go before the topic (read on words: "toi muon" is no procedure)."""
        if raw[other][0] < CLOSE_SHARE * raw[best][0]:
            return False  # far behind
        scope, name = self._scope[best], self._name(other)
        words = frozenset(t for t in asked if " " not in t)
        gained = self._mass((asked & name) - scope)
        lost = self._mass((asked & scope) - self._all[other])
        named = self._mass((words & name) - scope)
        need = min(self._mass(words - scope),
                   self._mass(t for t in name - scope if " " not in t))
        if gained >= FIRST_GAIN and named - lost >= NAMED_SHARE * need:
            return True
        field = self._entries[other].field in self._fields[best]
        if gained < (FIELD_GAIN if field else FIRST_GAIN) + LOST_FACTOR * lost:
            return False
        own = (asked & name) - scope - self._vocab[best]
        known = scope | self._vocab[best]
        phrase = self._mass(t for t in own if " " in t and set(t.split()) <= words
                            and not set(t.split()) <= known)
        if not field:
            return phrase >= OTHER_PHRASE_MASS
        return phrase >= PHRASE_MASS or self._mass(own & words) >= FIELD_NAMED * need

    def _inside(self, asked: frozenset[str], other: str, listed: frozenset[str],
                scope: frozenset[str]) -> bool:
        """Whether the topic's keywords hold what the question shares with a sibling beyond
        the listed procedures, and that includes a phrase ("sang ten", "tach ho"): one word
        ("giấy") says nothing about which procedure is meant."""
        named = (asked & self._name(other)) - listed
        return named <= scope and any(" " in t and all(w in asked for w in t.split())
                                      for t in named)  # a phrase of two content words
