"""The question's subject: rare naming words the best entry must hold to answer directly."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from itertools import pairwise

from bot.knowledge.loader import KnowledgeBase
from bot.knowledge.schema import Topic
from bot.language.normalize import tokenize
from bot.matching.entries import Entry, catalog_id, code_of
from bot.matching.group import EntryGroup
from bot.matching.terms import terms

# A word or phrase is selective when at most this many entry names (procedure names, topic
# titles and keywords) hold it: "chỉnh sửa", "xuất bản" name a few procedures; "giấy", "cấp" all.
SELECTIVE = 30
RIVALS = 4  # the runners-up looked at: a subject one of them holds points away from the best
Words = Callable[[str], list[str]]


class Subjects:
    """A curated topic may win on words other than what the question is about (a correction of
    a paper's content taken by the land topic on "giấy chứng nhận"). The subject is a word or
    phrase that names procedures (in few entry names) and that citizens do not use for everyday
    talk (family, places, time, feelings: the curated topics' sample questions are that talk),
    nor a country (an abbreviation that adds "nước ngoài") or a situational trigger. When none
    of the best entry's texts holds it but a runner-up's do, the question is about something
    else: the bot offers choices instead of answering."""

    def __init__(self, kb: KnowledgeBase, entries: Mapping[str, Entry],
                 groups: Sequence[EntryGroup], words: Words, stopwords: Collection[str],
                 situational: Iterable[str] = ()) -> None:
        """Args:
            kb: the knowledge base (topic texts, abbreviations).
            entries: every entry by id.
            groups: the index's entry groups (their term statistics give the phrase counts).
            words: folds a text into words (abbreviations expanded).
            stopwords: words that name nothing.
            situational: trigger words of the situational vocabulary (never a subject).
        """
        self._entries = entries
        self._groups = groups
        self._words = words
        self._stop = frozenset(stopwords)
        self._named: Counter[str] = Counter()
        for entry in entries.values():
            self._named.update(self._terms(*_names(entry)))
        self._everyday = self._terms(*(q for topic in kb.topics.values()
                                       for q in topic.questions))
        self._tags = _tags(kb.abbreviations)
        self._everyday |= set(situational)
        self._topics = {tid: tuple(_topic_texts(topic)) for tid, topic in kb.topics.items()}
        self._held: dict[str, frozenset[str]] = {}

    def _terms(self, *texts: str) -> set[str]:
        return {t for text in texts for t in terms(self._words(text), ())}

    def holds(self, entry_id: str, term: str) -> bool:
        """Whether an entry's texts hold a term: a procedure's indexed texts (name, field,
        documents, result); a topic's texts, facets and listed procedures (cached per topic)."""
        if code_of(entry_id) is not None:
            return any(entry_id in g.stats.strength.get(term, ()) for g in self._groups)
        held = self._held.get(entry_id)
        if held is None:
            entry = self._entries.get(entry_id)
            texts = [t.text for t in entry.texts] if entry else []
            for code in entry.codes if entry else ():
                listed = self._entries.get(catalog_id(code))
                texts += [t.text for t in listed.texts] if listed else []
            held = self._held[entry_id] = frozenset(
                self._terms(*texts, *self._topics.get(entry_id, ())))
        return term in held

    def units(self, tokens: Sequence[str]) -> list[str]:
        """The question's words and two-word phrases, each word read once: a pair of content
        words is a phrase when no overlapping pair is more cohesive in the entries' texts (seen
        together in a larger share of the texts holding its rarer word)."""
        glue = [self._cohesion(a, b) if a not in self._stop and b not in self._stop
                and not (a.isdigit() or b.isdigit()) else 0.0 for a, b in pairwise(tokens)]
        out, paired = [], set()
        for i, value in enumerate(glue):
            before = glue[i - 1] if i else 0.0
            after = glue[i + 1] if i + 1 < len(glue) else 0.0
            if value and value >= before and value >= after and i not in paired:
                out.append(f"{tokens[i]} {tokens[i + 1]}")
                paired |= {i, i + 1}
        out += [t for i, t in enumerate(tokens)
                if i not in paired and t not in self._stop and not t.isdigit()]
        return list(dict.fromkeys(out))

    def _cohesion(self, first: str, second: str) -> float:
        together = self._count(f"{first} {second}")
        return together / max(min(self._count(first), self._count(second)), 1)

    def _count(self, term: str) -> int:
        return sum(len(g.stats.strength.get(term, ())) for g in self._groups)

    def subjects(self, tokens: Sequence[str]) -> list[str]:
        """The units that name procedures selectively and are not everyday talk."""
        return [u for u in self.units(tokens)
                if 0 < self._named.get(u, 0) <= SELECTIVE and u not in self._everyday
                and not self._tags.intersection(u.split())]

    def unheld(self, tokens: Sequence[str], ranked: Sequence[str],
               named: Callable[[], Collection[str]]) -> tuple[str, ...]:
        """The question's subjects the best entry does not hold while a runner-up does.

        Args:
            tokens: the question's tokens without its facet cues.
            ranked: entry ids, best first. A phrase the best holds word by word
                ("cấp | chứng chỉ" made by the word order) is held.
            named: topics a keyword phrase of the question names outright (never doubted);
                called only when some subject is not held.

        Returns:
            The subjects that point away from the best entry; () when it may answer.
        """
        if not ranked:
            return ()
        best, rivals = ranked[0], ranked[1:1 + RIVALS]
        found = tuple(u for u in self.subjects(tokens)
                      if not (self.holds(best, u) or all(self.holds(best, w) for w in u.split()))
                      and any(self.holds(rival, u) for rival in rivals))
        return () if found and best in named() else found


def _names(entry: Entry) -> list[str]:
    """The texts that name an entry: a procedure's official name (not the names people use
    for it, knowledge/aliases.yaml: those are talk), a topic's title and keywords."""
    if code_of(entry.id) is not None:
        return [entry.texts[0].text] if entry.texts else []
    return [entry.texts[0].text, *entry.keywords] if entry.texts else list(entry.keywords)


def _topic_texts(topic: Topic) -> list[str]:
    """Everything a curated topic says: title, keywords, questions, summary, facets, agency."""
    note = topic.online.note if topic.online else None
    return [topic.title, *topic.keywords, *topic.questions, topic.summary,
            *topic.facets.values(), topic.agency or "", note or ""]


def _tags(abbreviations: Mapping[str, str]) -> set[str]:
    """Words the abbreviations extend with what they stand for ("hàn quốc" → "hàn quốc nước
    ngoài"): a country or nationality is the case's detail, never its subject."""
    out: set[str] = set()
    for short, long in abbreviations.items():
        key, value = tokenize(short), tokenize(long)
        if len(value) > len(key) and value[:len(key)] == key:
            out.update(key)
    return out
