"""Typed knowledge entries and the field specification the loader validates against."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.knowledge.dated import DatedFact

KINDS = ("procedure", "guide", "safety", "contact")
ONLINE_LEVELS = ("toan-trinh", "mot-phan", "khong-truc-tuyen", "khong-ap-dung")
CHANNELS = ("dichvucong", "vneid", "cong-tinh", "dichvucong-bca", "vssid", "truc-tiep")
ONLINE_LABELS = {
    "toan-trinh": "Trực tuyến toàn trình",
    "mot-phan": "Trực tuyến một phần (còn bước phải đến trực tiếp)",
    "khong-truc-tuyen": "Chưa làm trực tuyến được",
}
CHANNEL_LABELS = {
    "dichvucong": "Cổng Dịch vụ công quốc gia (dichvucong.gov.vn)",
    "vneid": "ứng dụng VNeID",
    "cong-tinh": "Cổng dịch vụ công của tỉnh",
    "dichvucong-bca": "Cổng dịch vụ công Bộ Công an",
    "vssid": "ứng dụng VssID",
    "truc-tiep": "trực tiếp tại bộ phận một cửa",
}

# field name → (required, kind). Kinds: str, text (non-empty str), strlist, date, facets,
# online, links, sources, idlist, id.
TOPIC_FIELDS: dict[str, tuple[bool, str]] = {
    "id": (True, "id"),
    "title": (True, "text"),
    "kind": (True, "text"),
    "summary": (True, "text"),
    "questions": (True, "strlist"),
    "keywords": (False, "strlist"),
    "facets": (False, "facets"),
    "online": (False, "online"),
    "agency": (False, "text"),
    "legal_basis": (False, "strlist"),
    "links": (False, "links"),
    "sources": (True, "sources"),
    "reviewed": (True, "date"),
    "related": (False, "idlist"),
    "flow": (False, "id"),
    "codes": (False, "codes"),
    "fee_label": (False, "text"),  # "Mức hưởng" when the money is received, not paid
}
CODE_RE = re.compile(r"^\d{1,2}\.\d{6}$")  # a national procedure code: "1.001193"
ONLINE_FIELDS = {"level": True, "channels": False, "note": False}
LINK_FIELDS = {"title": True, "url": True}
SOURCE_FIELDS = {"url": True, "title": True, "date": False}


@dataclass(frozen=True)
class LinkEntry:
    """An official link shown to citizens."""

    title: str
    url: str


@dataclass(frozen=True)
class Source:
    """Where a fact comes from."""

    url: str
    title: str
    date: str | None = None


@dataclass(frozen=True)
class Online:
    """Whether and where the procedure can be done online."""

    level: str
    channels: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class Topic:
    """One topic of the knowledge base, keyed by a stable catalogue id."""

    id: str
    title: str
    kind: str
    summary: str
    questions: tuple[str, ...]
    sources: tuple[Source, ...]
    reviewed: dt.date
    keywords: tuple[str, ...] = ()
    facets: dict[str, str] = field(default_factory=dict)
    online: Online | None = None
    agency: str | None = None
    legal_basis: tuple[str, ...] = ()
    links: tuple[LinkEntry, ...] = ()
    related: tuple[str, ...] = ()
    flow: str | None = None
    codes: tuple[str, ...] = ()  # national procedure codes this topic answers for
    dated: dict[str, tuple[DatedFact, ...]] = field(default_factory=dict)  # facets with dates
    fee_label: str | None = None
    file: str = ""
    line: int = 0
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, key: str) -> int:
        """The line where `key` is written in the topic's file, else the topic's own line."""
        return self.key_lines.get(key, self.line)

    @classmethod
    def from_clean(cls, data: dict[str, Any], file: str, line: int) -> Topic:
        """Build a Topic from a mapping that already passed validation."""
        from bot.knowledge.dated import parse_facts

        online = data.get("online")
        raw_facets = data.get("facets") or {}
        dated = {k: parse_facts(v) for k, v in raw_facets.items() if not isinstance(v, str)}
        topic = cls(
            id=data["id"], title=data["title"].strip(), kind=data["kind"],
            summary=" ".join(data["summary"].split()),
            questions=tuple(data["questions"]),
            sources=tuple(Source(s["url"], s["title"], _str_or_none(s.get("date")))
                          for s in data["sources"]),
            reviewed=data["reviewed"],
            keywords=tuple(data.get("keywords") or ()),
            facets={k: v.strip() for k, v in raw_facets.items() if isinstance(v, str)},
            online=Online(online["level"], tuple(online.get("channels") or ()),
                          online.get("note")) if online else None,
            agency=data.get("agency"),
            legal_basis=tuple(data.get("legal_basis") or ()),
            links=tuple(LinkEntry(x["title"], x["url"]) for x in data.get("links") or ()),
            related=tuple(data.get("related") or ()),
            flow=data.get("flow"), file=file, line=line,
            codes=tuple(procedure_code(c) or "" for c in data.get("codes") or ()),
            key_lines=dict(getattr(data, "key_lines", {})), dated=dated,
            fee_label=data.get("fee_label"),
        )
        # Dated facets are written out for each turn's day; at load, all facts, so that
        # matching and buttons see the facet.
        return _with_all_facts(topic)


def _with_all_facts(topic: Topic) -> Topic:
    """Write dated facets out for the day of loading; each turn writes them out again."""
    from bot.knowledge.clock import vietnam_today
    from bot.knowledge.dated import for_day

    return for_day(topic, vietnam_today()) if topic.dated else topic


def procedure_code(value: Any) -> str | None:
    """A procedure code as written in YAML ("1.001193", or the number 1.001193 that YAML
    reads as a float), in its canonical six-decimal form; None when it is not one."""
    if isinstance(value, float):
        value = f"{value:.6f}"
    if isinstance(value, str) and CODE_RE.match(value.strip()):
        return value.strip()
    return None


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
