"""Compose replies from knowledge: topic answers led by the asked facet, menus, suggestions."""

from __future__ import annotations

from bot.core import texts
from bot.core.facet_fit import kind_label, offered
from bot.core.models import Button, Link, Reply
from bot.knowledge.links import link_allowed
from bot.knowledge.loader import KnowledgeBase
from bot.knowledge.schema import CHANNEL_LABELS, ONLINE_LABELS, Topic

FIRST_MESSAGE_LIMIT = 600  # a phone screen: details live behind buttons
FACET_NAMES = {"documents": "về giấy tờ", "fee": "về phí, lệ phí", "time": "về thời hạn",
               "where": "về nơi nộp", "steps": "về các bước", "conditions": "về điều kiện"}


def _clip(text: str, limit: int) -> str:
    """Cut at a line or sentence boundary below `limit` characters."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    for sep in ("\n", ". ", "; ", ", "):
        at = cut.rfind(sep)
        if at > limit // 2:
            return cut[:at + (1 if sep != "\n" else 0)].rstrip() + " …"
    return cut.rstrip() + " …"


def facet_label(facet: str, topic: Topic) -> str:
    """The facet's button label; guides and contacts are done, not filed ("Làm ở đâu")."""
    if facet == "fee" and topic.fee_label:
        return topic.fee_label
    return kind_label(facet, topic.kind)


def _online_line(topic: Topic) -> str:
    if topic.online is None or topic.online.level not in ONLINE_LABELS:
        return ""
    where = ", ".join(CHANNEL_LABELS[c] for c in topic.online.channels if c != "truc-tiep")
    line = f"🌐 {ONLINE_LABELS[topic.online.level]}"
    return f"{line}: {where}" if where else line


def topic_links(topic: Topic, allow: list[str]) -> tuple[Link, ...]:
    """Official links of a topic (the allow-list is enforced again at render time)."""
    return tuple(Link(x.title, x.url) for x in topic.links[:2] if link_allowed(x.url, allow))


def feedback_buttons(kind: str, ident: str) -> list[Button]:
    """Thumbs up/down for a topic (kind "t") or a flow (kind "f")."""
    return [Button(texts.FEEDBACK_UP, f"fb:{kind}:{ident}:up"),
            Button(texts.FEEDBACK_DOWN, f"fb:{kind}:{ident}:down")]


def topic_answer(topic: Topic, facet: str | None, allow: list[str], *,
                 with_feedback: bool = True) -> Reply:
    """The first answer about a topic: the asked facet first, the rest behind buttons.

    Args:
        topic: the matched topic.
        facet: the facet asked about, or None for the summary.
        allow: link allow-list.
        with_feedback: add the thumbs buttons.

    Returns:
        A reply of at most about FIRST_MESSAGE_LIMIT characters.
    """
    head = f"📌 {topic.title}"
    online = _online_line(topic)
    if facet and facet in topic.facets:
        body = f"{facet_label(facet, topic)}:\n{topic.facets[facet]}"
    elif facet and facet != "conditions":  # no conditions section: answered as before
        body = topic.summary + "\n\n" + texts.FACET_MISSING.format(facet=FACET_NAMES[facet])
    else:
        body = topic.summary
    budget = FIRST_MESSAGE_LIMIT - len(head) - len(online) - 4
    text = "\n".join(x for x in (head, _clip(body, budget), online) if x)
    buttons: list[Button] = []
    if topic.flow:
        buttons.append(Button(texts.FLOW_BUTTON, f"flow:{topic.flow}"))
    buttons += [Button(facet_label(f, topic), f"fac:{topic.id}:{f}")
                for f in offered(topic.kind, topic.facets, None)]
    if topic.legal_basis:
        buttons.append(Button(texts.LEGAL_BUTTON, f"law:{topic.id}"))
    if with_feedback:
        buttons += feedback_buttons("t", topic.id)
    buttons.append(Button(texts.MENU_BUTTON, "menu"))
    return Reply(text, tuple(buttons), topic_links(topic, allow))


def facet_detail(topic: Topic, facet: str, allow: list[str]) -> Reply:
    """One facet of a topic in full, with the other facets as buttons."""
    body = topic.facets.get(facet) or texts.FACET_MISSING.format(facet=FACET_NAMES[facet])
    extra = []
    if facet == "where" and topic.agency:
        extra.append(f"Cơ quan giải quyết: {topic.agency}")
    if facet == "where" and topic.online and topic.online.note:
        extra.append(topic.online.note.strip())
    text = "\n".join([f"📌 {topic.title} · {facet_label(facet, topic)}", body, *extra])
    buttons = []
    if topic.flow:
        buttons.append(Button(texts.FLOW_BUTTON, f"flow:{topic.flow}"))
    buttons += [Button(facet_label(f, topic), f"fac:{topic.id}:{f}")
                for f in offered(topic.kind, topic.facets, None)]
    if topic.legal_basis:
        buttons.append(Button(texts.LEGAL_BUTTON, f"law:{topic.id}"))
    buttons += feedback_buttons("t", topic.id)
    buttons.append(Button(texts.MENU_BUTTON, "menu"))
    return Reply(_clip(text, 1500), tuple(buttons), topic_links(topic, allow))


def legal_detail(topic: Topic) -> Reply:
    """The legal documents behind a topic, shown only when the citizen asks for them."""
    lines = [f"📌 {topic.title} · {texts.LEGAL_BUTTON}", *(f"- {x}" for x in topic.legal_basis)]
    buttons = [Button(facet_label(f, topic), f"fac:{topic.id}:{f}")
               for f in offered(topic.kind, topic.facets, None)]
    return Reply(_clip("\n".join(lines), 1500), (*buttons, Button(texts.MENU_BUTTON, "menu")))


def main_menu(kb: KnowledgeBase, text: str = texts.MENU) -> Reply:
    """The main menu: procedure groups, VNeID, payment, post, tracking, feedback, scams, help."""
    buttons = []
    for entry in kb.main_menu:
        if entry == "procedures":
            buttons.append(Button(texts.PROCEDURES_LABEL, "grp:procedures"))
        elif entry in kb.groups:
            buttons.append(Button(kb.groups[entry].title, f"grp:{entry}"))
        elif entry in kb.topics:
            buttons.append(Button(kb.topics[entry].title, f"top:{entry}"))
    return Reply(text, tuple(buttons))


def group_menu(kb: KnowledgeBase, group_id: str) -> Reply | None:
    """The topics of one menu group, or the list of procedure groups."""
    back = Button(texts.MENU_BUTTON, "menu")
    if group_id == "procedures":
        buttons = [Button(kb.groups[g].title, f"grp:{g}") for g in kb.procedure_groups]
        return Reply(texts.PROCEDURE_GROUPS, (*buttons, back))
    group = kb.groups.get(group_id)
    if group is None:
        return None
    buttons = [Button(kb.topics[t].title, f"top:{t}") for t in group.topics if t in kb.topics]
    return Reply(f"{group.title}\n{texts.GROUP}", (*buttons, back))


def suggestions(kb: KnowledgeBase, topic_ids: list[str], facet: str | None) -> Reply:
    """ "Did you mean" with up to three topics and "none of these"."""
    suffix = f":{facet}" if facet else ""
    buttons = [Button(kb.topics[t].title, f"top:{t}{suffix}") for t in topic_ids]
    buttons.append(Button(texts.NONE_OF_THESE, "none"))
    return Reply(texts.SUGGEST, tuple(buttons))


def fallback(kb: KnowledgeBase, allow: list[str]) -> Reply:
    """The honest fallback: how to rephrase, where to search, and human help."""
    buttons = [Button(texts.MENU_BUTTON, "menu")]
    if "ho-tro" in kb.topics:
        buttons.insert(0, Button(texts.HUMAN_BUTTON, "top:ho-tro"))
    links = tuple(x for x in (Link("Cổng Dịch vụ công quốc gia", "https://dichvucong.gov.vn"),)
                  if link_allowed(x.url, allow))
    return Reply(texts.MISS, tuple(buttons), links)
