"""Replies about a catalogue procedure: the asked facet first, short, sourced and dated."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from bot.catalog.model import Procedure
from bot.catalog.wording import fee_label, fee_warning, tidy, time_label
from bot.core import texts
from bot.core.models import Button, Link, Reply
from bot.language.facets import FACET_LABELS, FACETS
from bot.language.normalize import fold

FIRST_ITEMS = 5  # documents or steps shown in the first answer; the rest behind a button
DETAIL_LIMIT = 1500
CHANNEL_NAMES = {"truc_tuyen": "trực tuyến", "buu_chinh": "qua bưu điện",
                 "truc_tiep": "trực tiếp"}
SOURCE = "Nguồn: Cơ sở dữ liệu quốc gia về thủ tục hành chính (dữ liệu lấy ngày {date})"
LEGACY_NOTE = ("Lưu ý: trang thủ tục có thể còn dùng tên cũ (như \"cấp huyện\"). Từ 1/7/2025 "
               "không còn cấp huyện; việc này nay do cấp xã hoặc cấp tỉnh giải quyết.")
NO_INFO = "Dữ liệu thủ tục chưa ghi rõ mục này. Bạn xem trang thủ tục hoặc hỏi bộ phận một cửa."
MORE_LABEL = {"documents": "📄 Xem đủ {n} giấy tờ", "steps": "📋 Xem đủ {n} bước",
              "conditions": "✅ Xem đủ {n} điều kiện"}
NO_CONDITIONS = ("Thủ tục này không nêu điều kiện riêng. Bạn chỉ cần chuẩn bị đủ giấy tờ "
                 "và làm theo các bước.")
_NO_CONDITION = re.compile(r"\W*(khong co thong tin|khong(\s+co)?(\s+(yeu cau|quy dinh)\w*)?\W*$)")
_LEGACY_WORDS = re.compile(r"\b(cấp huyện|UBND huyện|Ủy ban nhân dân huyện|huyện|thị trấn)\b",
                           re.IGNORECASE)


def current_wording(text: str, proc: Procedure) -> str:
    """Mark pre-reform names as old ones, so they are never read as current."""
    if not proc.legacy:
        return text
    return _LEGACY_WORDS.sub(lambda m: f"{m.group(0)} (tên cũ)", text)


def _channels_line(proc: Procedure) -> str:
    names = [CHANNEL_NAMES[c.channel] for c in proc.channels if c.channel in CHANNEL_NAMES]
    return "Cách nộp: " + ", ".join(dict.fromkeys(names)) if names else ""


def _per_channel(proc: Procedure, facet: str) -> list[str]:
    """'trực tuyến: 5 ngày làm việc' lines for time or fee, one per distinct value."""
    channels: dict[str, list[str]] = {}  # one line per value, naming every channel it is for
    for terms in proc.channels:
        value = time_label(terms) if facet == "time" else fee_label(terms)
        name = CHANNEL_NAMES.get(terms.channel, terms.channel)
        if value and name not in channels.setdefault(value, []):
            channels[value].append(name)
    lines = [f"• {', '.join(names)}: {value}" for value, names in channels.items()]
    if facet == "fee":
        lines += list(dict.fromkeys(w for w in map(fee_warning, proc.channels) if w))
    return lines


def _items(lines: list[str], limit: int | None) -> tuple[str, int]:
    shown = lines if limit is None else lines[:limit]
    rest = len(lines) - len(shown)
    body = "\n".join(shown)
    return (body + f"\n… và {rest} mục khác" if rest else body), rest


def facet_body(proc: Procedure, facet: str, limit: int | None = FIRST_ITEMS) -> tuple[str, int]:
    """The text of one facet and how many list items were left out."""
    if facet == "documents":
        lines = [f"• {tidy(d.name)}" + (f" ({tidy(d.copies)})" if d.copies else "")
                 for d in proc.documents]
        return _items(lines, limit) if lines else (NO_INFO, 0)
    if facet == "steps":
        lines = [f"{i}. {tidy(s)}" for i, s in enumerate(proc.steps, 1)]
        return _items(lines, limit) if lines else (NO_INFO, 0)
    if facet == "conditions":
        lines = condition_items(proc)
        return _items(lines, limit) if lines else (NO_CONDITIONS, 0)
    if facet in ("fee", "time"):
        lines = _per_channel(proc, facet)
        return ("\n".join(lines) if lines else NO_INFO), 0
    where = [f"Cơ quan giải quyết: {proc.agency}" if proc.agency else "",
             f"Địa chỉ tiếp nhận: {proc.address}" if proc.address else "", _channels_line(proc)]
    return "\n".join(x for x in where if x) or NO_INFO, 0


def condition_items(proc: Procedure) -> list[str]:
    """The record's conditions as bullet lines; [] when it states none."""
    if not proc.conditions or _NO_CONDITION.match(fold(proc.conditions)):
        return []
    parts = (tidy(p) for p in re.split(r"\n+|(?<=[.;])\s+(?=[-+•]\s)", proc.conditions))
    return [f"• {p}" for p in parts if p]


def _listed(proc: Procedure, facet: str) -> list[Any]:
    """The items of a list facet, for the "see all" count."""
    if facet == "conditions":
        return condition_items(proc)
    return list(proc.documents if facet == "documents" else proc.steps)


def _summary(proc: Procedure) -> str:
    parts = [f"Lĩnh vực: {proc.field}" if proc.field else "",
             f"Cơ quan giải quyết: {proc.agency}" if proc.agency else ""]
    times = _per_channel(proc, "time")
    if times:
        parts.append("Thời hạn:\n" + "\n".join(times[:3]))
    if proc.documents:
        parts.append(f"Hồ sơ gồm {len(proc.documents)} loại giấy tờ (bấm nút để xem).")
    return "\n".join(x for x in parts if x)


def _footer(proc: Procedure, imported: dt.date | None) -> list[str]:
    lines = [_channels_line(proc)]
    if proc.legacy:
        lines.append(LEGACY_NOTE)
    date = imported.strftime("%d/%m/%Y") if imported else "không rõ"
    lines.append(SOURCE.format(date=date))
    return [x for x in lines if x]


def facet_buttons(proc: Procedure, shown: str | None) -> list[Button]:
    """Buttons for the other facets, the thumbs and the menu (payloads under 64 bytes)."""
    buttons = [Button(FACET_LABELS[f], f"cf:{proc.code}:{f}") for f in FACETS if f != shown]
    return [*buttons, Button(texts.FEEDBACK_UP, f"fb:c:{proc.code}:up"),
            Button(texts.FEEDBACK_DOWN, f"fb:c:{proc.code}:down"),
            Button(texts.MENU_BUTTON, "menu")]


def procedure_answer(proc: Procedure, facet: str | None, imported: dt.date | None,
                     *, full: bool = False) -> Reply:
    """The answer about one procedure: name and code, the asked facet (or a summary), how
    to submit, the official link and the source with its date.

    Args:
        proc: the procedure.
        facet: the asked facet, or None.
        imported: the day the catalogue was imported.
        full: show the facet's whole list (the "see all" button).

    Returns:
        The reply.
    """
    head = f"📌 {current_wording(proc.name, proc)}\nMã thủ tục: {proc.code}"
    more: list[Button] = []
    if facet in FACETS:
        body, rest = facet_body(proc, facet, None if full else FIRST_ITEMS)
        body = f"{FACET_LABELS[facet]}:\n{body}"
        if rest and facet in MORE_LABEL:
            total = len(_listed(proc, facet))
            more.append(Button(MORE_LABEL[facet].format(n=total), f"cm:{proc.code}:{facet}"))
    else:
        body = _summary(proc)
    body = _clip(current_wording(body, proc), DETAIL_LIMIT if full else 700)
    text = "\n".join([head, body, *_footer(proc, imported)])
    links = (Link("Trang thủ tục trên Cổng Dịch vụ công quốc gia", proc.url),) if proc.url else ()
    return Reply(text, (*more, *facet_buttons(proc, facet)), links)


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    at = cut.rfind("\n")
    return (cut[:at] if at > limit // 2 else cut).rstrip() + " …"
