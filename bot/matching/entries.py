"""What the index ranks: curated topics and catalogue procedures as one kind of entry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.knowledge.loader import KnowledgeBase

CATALOG_PREFIX = "tthc-"  # entry id of a catalogue procedure: "tthc-1.001193"


@dataclass(frozen=True)
class Text:
    """One text of an entry: its weight in the term statistics, and whether questions are
    compared with it as a whole (titles, keywords, sample questions) or only for its words."""

    text: str
    weight: float
    sample: bool


@dataclass(frozen=True)
class Entry:
    """A rankable thing: a curated topic or a catalogue procedure."""

    id: str
    texts: tuple[Text, ...]
    keywords: tuple[str, ...] = ()   # phrases that name the entry outright
    codes: tuple[str, ...] = ()      # national procedure codes it answers for
    field: str = ""                  # a catalogue procedure's field (linh_vuc)


def catalog_id(code: str) -> str:
    """The entry id of a catalogue procedure."""
    return CATALOG_PREFIX + code


def code_of(entry_id: str) -> str | None:
    """The procedure code behind a catalogue entry id; None for a curated topic."""
    return entry_id[len(CATALOG_PREFIX):] if entry_id.startswith(CATALOG_PREFIX) else None


def topic_entries(kb: KnowledgeBase, title_weight: float, summary_weight: float
                  ) -> Iterable[Entry]:
    """Every curated topic as an entry (title, keywords, sample questions, summary)."""
    for topic in kb.topics.values():
        texts = [Text(topic.title, title_weight, True)]
        texts += [Text(k, 1.0, True) for k in topic.keywords]
        texts += [Text(q, 1.0, True) for q in topic.questions]
        texts.append(Text(topic.summary, summary_weight, False))
        yield Entry(topic.id, tuple(texts), topic.keywords,
                    tuple(getattr(topic, "codes", ()) or ()))
