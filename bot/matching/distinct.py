"""A catalogue procedure whose own words the question names, words no procedure or keyword of
the curated topic ranked first holds ("giám hộ" beside khai sinh), is put just before it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from bot.matching.entries import Entry, catalog_id, code_of

PREFER_TOP = 6  # the procedures compared with a curated first are among the best few
CLOSE_SHARE = 0.1  # a procedure is preferred only from this share of the topic's score
NAMED_SHARE = 0.6  # share of a procedure's own words (by weight) the question must name
MIN_OWN = 3.0  # the own words must weigh at least one rare word ("ký" alone tells nothing)
VERBATIM = 0.9  # fuzzy ratio from which a question is one of the topic's sample questions
TIE = 0.001  # the topic is put this share behind the procedure preferred to it
_PREFIX = re.compile(r"^\s*thủ tục\s+", re.IGNORECASE)  # "Thủ tục đăng ký ...": no own word
Raw = dict[str, tuple[float, float, float]]


class Distinct:
    """Curated topics' vocabularies against catalogue procedures' names (words, no pairs)."""

    def __init__(self, entries: Mapping[str, Entry], curated: Iterable[str],
                 words: Callable[[str], list[str]], weight: Callable[[str], float]) -> None:
        """Args:
            entries: every entry by id.
            curated: ids of the curated topics.
            words: a text's content words (folded, abbreviations expanded, no stopwords).
            weight: a word's rarity among the procedures (its weight in a question).
        """
        self._entries = entries
        self._words = words
        self._weight = weight
        self._vocab = {tid: self._topic_vocab(entries[tid]) for tid in curated}
        self._names: dict[str, frozenset[str]] = {}
        self._all: dict[str, frozenset[str]] = {}

    def _topic_vocab(self, entry: Entry) -> frozenset[str]:
        """The words of a topic's keywords and of the names of the procedures it lists: what
        it answers for ("tách hộ" named by a keyword is the topic's, not a sibling's)."""
        texts = list(entry.keywords)
        for code in entry.codes:
            listed = self._entries.get(catalog_id(code))
            if listed is not None and listed.texts:
                texts.append(listed.texts[0].text)
        return frozenset(w for text in texts for w in self._words(text))

    def _name(self, entry_id: str) -> frozenset[str]:
        if entry_id not in self._names:
            entry = self._entries[entry_id]
            self._names[entry_id] = frozenset(self._words(_PREFIX.sub("", entry.texts[0].text)))
            self._all[entry_id] = frozenset(w for t in entry.texts for w in self._words(t.text))
        return self._names[entry_id]

    def prefer(self, raw: Raw, content: Sequence[str]) -> str | None:
        """Put first the procedure that names more of the question's words the curated first
        does not know than the topic explains words the procedure lacks.

        Returns:
            The preferred procedure's id, None when the order is kept.
        """
        top = sorted(raw, key=lambda t: -raw[t][0])[:PREFER_TOP]
        if not top or not self._vocab.get(top[0]) or raw[top[0]][2] >= VERBATIM:
            return None  # a topic without procedures, or one of its own sample questions
        best, asked = top[0], frozenset(content)
        vocab, floor = self._vocab[best], CLOSE_SHARE * raw[best][0]
        chosen, margin = None, 0.0
        for other in top[1:]:
            if code_of(other) is None or raw[other][0] < floor:
                continue
            name = self._name(other)
            own = sum(self._weight(w) for w in name - vocab)
            gained = sum(self._weight(w) for w in (asked & name) - vocab)
            lost = sum(self._weight(w) for w in (asked & vocab) - self._all[other])
            if own < MIN_OWN or gained - lost < NAMED_SHARE * own:
                continue
            if gained > 0 and gained - lost > margin:
                chosen, margin = other, gained - lost
        if chosen is not None:  # just ahead: the two are offered together ("did you mean")
            # The rest of the question is the context the two share: the procedure is shown
            # with the topic's confidence, not doubted for words the topic explained.
            top_score, cov = raw[best][0], max(raw[best][1], raw[chosen][1])
            raw[chosen] = (top_score, cov, raw[chosen][2])
            raw[best] = (top_score * (1 - TIE), *raw[best][1:])
        return chosen
