"""Facts with dates: a facet made of facts that hold from/until a day, each with its source."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from bot.yamlio import LineDict, LineList

if TYPE_CHECKING:
    from bot.knowledge.schema import Source, Topic

FACT_FIELDS = {"text": True, "valid_from": False, "valid_until": False, "source": False}
FACT_SOURCE_FIELDS = {"url", "title", "date"}
Problem = tuple[int, str]  # (line, problem) reported by the loader as file:line: problem


@dataclass(frozen=True)
class DatedFact:
    """One fact of a facet: its text, the days it holds, and where it comes from."""

    text: str
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None  # inclusive: the fact holds on this day
    source: Source | None = None
    line: int = 0

    def holds_on(self, day: dt.date) -> bool:
        """True when the fact is in force on `day`."""
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_until is None or day <= self.valid_until


def check_facts(value: Any, where: str) -> list[Problem]:
    """Validate a facet written as a fact or a list of facts; [] when it is fine."""
    items = value if isinstance(value, LineList) else [value]
    problems: list[Problem] = []
    if isinstance(value, LineList) and not value:
        return [(value.line, f"{where}: expected at least one fact")]
    for i, item in enumerate(items):
        line = value.line_of(i) if isinstance(value, LineList) else getattr(item, "line", 0)
        if not isinstance(item, LineDict):
            problems.append((line, f"{where}[{i}]: expected a mapping with 'text'"))
            continue
        problems += _check_fact(item, f"{where}[{i}]")
    return problems


def _check_fact(item: LineDict, where: str) -> list[Problem]:
    problems: list[Problem] = []
    for key in item:
        if key not in FACT_FIELDS:
            problems.append((item.line_of(key), f"{where}: unknown key {key!r}"))
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append((item.line, f"{where}: missing required field 'text'"))
    for key in ("valid_from", "valid_until"):
        if key in item and not isinstance(item[key], dt.date):
            problems.append((item.line_of(key),
                             f"{where}.{key}: expected a date YYYY-MM-DD, got {item[key]!r}"))
    start, end = item.get("valid_from"), item.get("valid_until")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        problems.append((item.line_of("valid_until"),
                         f"{where}: valid_until {end} is before valid_from {start}"))
    source = item.get("source")
    if source is not None:
        if not isinstance(source, LineDict) or not {"url", "title"} <= set(source):
            problems.append((item.line_of("source"), f"{where}.source: needs url and title"))
        elif set(source) - FACT_SOURCE_FIELDS:
            problems.append((item.line_of("source"), f"{where}.source: unknown key(s) "
                             f"{sorted(set(source) - FACT_SOURCE_FIELDS)}"))
        elif not str(source["url"]).startswith(("http://", "https://")):
            problems.append((source.line_of("url"),
                             f"{where}.source.url: expected an http(s) address"))
    return problems


def parse_facts(value: Any) -> tuple[DatedFact, ...]:
    """Facts of a facet that passed `check_facts`."""
    from bot.knowledge.schema import Source

    items = value if isinstance(value, list) else [value]
    facts = []
    for i, item in enumerate(items):
        src = item.get("source")
        source = Source(str(src["url"]), str(src["title"]),
                        None if src.get("date") is None else str(src["date"])) if src else None
        line = value.line_of(i) if isinstance(value, LineList) else getattr(item, "line", 0)
        facts.append(DatedFact(" ".join(str(item["text"]).split()), item.get("valid_from"),
                               item.get("valid_until"), source, line))
    return tuple(facts)


def render_facts(facts: tuple[DatedFact, ...], day: dt.date) -> str:
    """The facts in force on `day` with the day each ends, their sources, then unsourced ones.

    Sourced facts come first so that the source line survives when a phone-sized first
    message is clipped.
    """
    sourced: list[str] = []
    plain: list[str] = []
    sources: list[str] = []
    for fact in facts:
        if not fact.holds_on(day):
            continue
        text = fact.text
        if fact.valid_until is not None:
            text = f"{text.rstrip('.')}, áp dụng đến hết ngày {fact.valid_until:%d/%m/%Y}."
        (sourced if fact.source is not None else plain).append(text)
        if fact.source is not None and fact.source.title not in sources:
            sources.append(fact.source.title)
    if sources:
        sourced.append("Nguồn: " + "; ".join(sources))
    return "\n".join(sourced + plain)


# (id of the topic, day) -> (the topic, its version for that day): a topic is immutable and
# asked about many times a day; holding the topic itself keeps its id from being reused.
_DAY_CACHE: dict[tuple[int, dt.date], tuple[Topic, Topic]] = {}
_DAY_CACHE_MAX = 1024


def for_day(topic: Topic, day: dt.date) -> Topic:
    """The topic with each dated facet written out as it stands on `day`."""
    if not topic.dated:
        return topic
    key = (id(topic), day)
    cached = _DAY_CACHE.get(key)
    if cached is not None and cached[0] is topic:
        return cached[1]
    if len(_DAY_CACHE) >= _DAY_CACHE_MAX:
        _DAY_CACHE.clear()  # a new day, or knowledge reloaded: start afresh
    result = _written_out(topic, day)
    _DAY_CACHE[key] = (topic, result)
    return result


def _written_out(topic: Topic, day: dt.date) -> Topic:
    facets = dict(topic.facets)
    for name, facts in topic.dated.items():
        text = render_facts(facts, day)
        if text:
            facets[name] = text
        else:
            facets.pop(name, None)
    return replace(topic, facets=facets)
