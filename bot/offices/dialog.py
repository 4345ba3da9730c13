"""The commune dialogue: ask which commune a "where" answer is for, then name its office."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from bot.core.models import Button, Reply
from bot.knowledge.clock import vietnam_now
from bot.knowledge.schema import Topic
from bot.language.normalize import fold, tokenize
from bot.matching.decide import decide
from bot.offices import store
from bot.offices.hours import describe_hours, describe_opening, is_open, next_opening, parse_hours
from bot.offices.model import Directory, Office, name_key

if TYPE_CHECKING:
    from bot.core.assistant import Turn
    from bot.core.router import Router

HELP_TOPIC = "ho-tro"
ASK_SECONDS = 30 * 60  # a commune name is expected soon after the question, or not at all
MAX_NAME_WORDS = 5  # longer text is a new question, not a commune name
ASK = ("📍 Bạn ở xã, phường hay đặc khu nào của tỉnh {province}? Gõ tên (có dấu hay không dấu "
       "đều được, tên cũ trước ngày 1/7/2025 cũng được), mình chỉ nơi làm gần bạn.")
NOT_FOUND = ("Mình chưa tìm thấy \"{name}\" trong danh sách xã, phường của tỉnh {province}. "
             "Bạn gõ lại tên xã, phường giúp mình (ví dụ: {example}).")
SEVERAL = ("Tên \"{name}\" trước đây nay thuộc nhiều xã, phường: {names}. Bạn gõ tên xã, "
           "phường mới nơi bạn ở giúp mình.")
UNIT_PREFIXES = ("xa ", "phuong ", "dac khu ", "thi tran ")
EXAMPLE_NOTE = "Lưu ý: giờ làm việc và địa chỉ ở đây là thông tin mẫu, tỉnh chưa xác nhận."


def _directory(router: Router) -> Directory | None:
    return store.load(router.config.storage.path)


def _wants_office(topic: Topic, facet: str | None) -> bool:
    return topic.id == HELP_TOPIC or (facet == "where" and topic.kind == "procedure")


def after_answer(router: Router, turn: Turn, topic: Topic, facet: str | None) -> None:
    """Under a "where" answer: the citizen's office, or the question which commune."""
    directory = _directory(router)
    if directory is None or not _wants_office(topic, facet) or not turn.replies:
        return
    office = directory.by_key.get(str(turn.session.get("commune_key") or ""))
    last = turn.replies[-1]
    if office is not None:
        extra = office_text(directory, office, vietnam_now(turn.now))
    else:
        extra = ASK.format(province=directory.province)
        turn.session["office_ask"] = {"topic": topic.id, "at": turn.now, "tries": 0}
    if topic.id == HELP_TOPIC:
        extra = "\n".join(x for x in (hotlines_text(directory), extra) if x)
    turn.replies[-1] = Reply(f"{last.text}\n\n{extra}", last.buttons, last.links)


def on_text(router: Router, turn: Turn, text: str) -> bool:
    """A typed commune name after the question: answer with its office. False: not one."""
    ask: dict[str, Any] | None = turn.session.get("office_ask")
    directory = _directory(router) if ask or _names_unit(text) else None
    if directory is None:
        return False
    if not ask:  # unasked: only "xã X" / "phường Y" naming a known unit changes the commune
        office, several, was_old = directory.find(text)
        if office is None and not several:
            return False
        ask = {"topic": HELP_TOPIC, "at": turn.now, "tries": 1}
    elif turn.now - float(ask.get("at", 0)) > ASK_SECONDS or len(text.split()) > MAX_NAME_WORDS:
        turn.session.pop("office_ask", None)
        return False
    else:
        office, several, was_old = directory.find(text)
    menu = (Button("🏠 Menu chính", "menu"),)
    turn.topic, turn.outcome = ask.get("topic"), "office"
    if office is not None:
        turn.session.pop("office_ask", None)
        turn.session["commune_key"] = next(k for k, o in directory.by_key.items() if o is office)
        old = next((o for o in office.old_units if name_key(o) == name_key(text)), text)
        note = f"{old} (tên trước ngày 1/7/2025) nay thuộc {office.name}.\n" if was_old else ""
        turn.replies = [Reply(note + office_text(directory, office, vietnam_now(turn.now)),
                              menu)]
        return True
    if not several and (ask.get("tries", 0) >= 1 or _is_question(router, text)):
        turn.session.pop("office_ask", None)  # a question, or twice unknown: the matcher's
        return False
    ask["tries"] = int(ask.get("tries", 0)) + 1
    message = SEVERAL.format(name=text.strip(), names=", ".join(o.name for o in several)) \
        if several else NOT_FOUND.format(name=text.strip(), province=directory.province,
                                         example=directory.offices[0].name)
    turn.replies = [Reply(message, menu)]
    return True


def _is_question(router: Router, text: str) -> bool:
    """ "phí bao nhiêu", "đổi bằng lái": the citizen moved on instead of naming a commune."""
    result = router.brain.index.match(text)
    return result.facet is not None or decide(result, router.config.matching).outcome != "miss"


def _names_unit(text: str) -> bool:
    """ "xã Khổng Lào", "phuong tan phong": a unit word first, and short."""
    words = " ".join(tokenize(fold(text)))
    return len(words.split()) <= MAX_NAME_WORDS and words.startswith(UNIT_PREFIXES)


def office_text(directory: Directory, office: Office, moment: dt.datetime) -> str:
    """Name, address, hours, phone of one office, and when it opens if it is closed now."""
    hours = directory.hours_of(office)
    lines = [f"🏢 {office.office or 'Bộ phận một cửa ' + office.name} ({office.name}, "
             f"tỉnh {directory.province})"]
    address = office.address or f"tỉnh chưa cung cấp, hỏi trụ sở Ủy ban nhân dân {office.name}"
    lines.append(f"Địa chỉ: {address}")
    if hours:
        lines.append(f"Giờ làm việc: {describe_hours(hours)}")
        week = parse_hours(hours)
        if not is_open(week, moment):
            opening = next_opening(week, moment)
            if opening is not None:
                lines.append(f"Bây giờ đang ngoài giờ làm việc; mở cửa lại lúc "
                             f"{describe_opening(opening, moment)}.")
    centre = directory.centre
    if office.phone:
        lines.append(f"Điện thoại: {office.phone}")
    elif centre is not None and centre.phone:
        lines.append(f"Điện thoại: bộ phận này chưa có số trong dữ liệu; gọi "
                     f"{centre.office or centre.name}: {centre.phone}")
    else:
        lines.append("Điện thoại: tỉnh chưa cung cấp số của bộ phận này.")
    if office.map:
        lines.append(f"Bản đồ: {office.map}")
    if directory.example:
        lines.append(EXAMPLE_NOTE)
    return "\n".join(lines)


def hotlines_text(directory: Directory) -> str:
    """The province's service centre and hotlines, for the human-help answer."""
    lines = []
    centre = directory.centre
    if centre is not None:
        phone = f", điện thoại {centre.phone}" if centre.phone else ""
        lines.append(f"☎️ {centre.office or centre.name}{phone}")
    lines += [f"☎️ {name}: {phone}" for name, phone in directory.hotlines]
    return "\n".join(lines)
