"""Plain Vietnamese checks on citizen text: no research wording, abbreviations written out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from bot.knowledge.loader import KnowledgeBase
from bot.language.normalize import fold

# Reviewers' wording that must never reach a citizen (folded, lower case).
BANNED_PHRASES = (
    "nguon da kiem tra", "nguon chinh thuc da kiem tra", "khong neu thoi han",
    "khong neu khoan phi", "da duoc kiem chung", "chua duoc kiem chung", "unconf", "[dated]",
    "chua xac minh duoc nguon",
)
# Abbreviations an older reader may not know → what they stand for. Each text a citizen sees on
# its own (a summary, one facet, a flow screen) must write the words out before or at the first
# use, e.g. "Ủy ban nhân dân (UBND)". VNeID, OTP, QR, SIM, CCCD are left as people know them.
ABBREVIATIONS = {
    "QLHC": "quản lý hành chính", "TTXH": "trật tự xã hội", "QLXNC": "quản lý xuất nhập cảnh",
    "XNC": "xuất nhập cảnh", "CSDL": "cơ sở dữ liệu", "CSDLQG": "cơ sở dữ liệu quốc gia",
    "DVCQG": "dịch vụ công quốc gia", "DVC": "dịch vụ công", "TTHC": "thủ tục hành chính",
    "PAKN": "phản ánh, kiến nghị", "LLTP": "lý lịch tư pháp", "GPLX": "giấy phép lái xe",
    "CSGT": "cảnh sát giao thông", "BHTN": "bảo hiểm thất nghiệp", "BHXH": "bảo hiểm xã hội",
    "BHYT": "bảo hiểm y tế", "UBND": "ủy ban nhân dân", "HĐND": "hội đồng nhân dân",
}
_WORD = {abbr: re.compile(rf"(?<![\w/-]){abbr}(?![\w/-])") for abbr in ABBREVIATIONS}


def citizen_texts(kb: KnowledgeBase, flows: Iterable[object] = ()) -> Iterator[tuple[str, str]]:
    """(where, text) for every text a citizen can see on its own."""
    for topic in kb.topics.values():
        where = f"{topic.file}:{topic.line}: topic {topic.id}"
        yield f"{where}: title", topic.title
        yield f"{where}: summary", topic.summary
        for name, text in topic.facets.items():
            yield f"{where}: {name}", text
        tail = " ".join(x for x in (topic.agency or "", topic.online.note or ""
                                    if topic.online else "") if x)
        if tail:
            yield f"{where}: agency", tail
    for flow in flows:
        for step in getattr(flow, "steps", {}).values():
            yield f"{flow.file}:{step.line}: flow {flow.id} step {step.id}", step.text  # type: ignore[attr-defined]


def problems(units: Iterable[tuple[str, str]]) -> list[str]:
    """Every banned phrase and every abbreviation used before it is written out."""
    out = []
    for where, text in units:
        folded = fold(text).lower()
        out += [f"{where}: research wording {p!r}" for p in BANNED_PHRASES if p in folded]
        for abbr, words in ABBREVIATIONS.items():
            match = _WORD[abbr].search(text)
            if match is None:
                continue
            at = folded.find(fold(words).lower())
            if at < 0 or at > match.start():
                out.append(f"{where}: {abbr} used before '{words} ({abbr})' is written out")
    return out
