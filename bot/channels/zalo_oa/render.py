"""Replies as OA messages: text chunks, and `oa.query.hide` buttons when there are few."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.channels.zalo_bot.text import split_text
from bot.channels.zalo_oa.events import PAYLOAD_MARK
from bot.core.models import Reply, numbered_text

MAX_BUTTONS = 5  # more options fall back to a numbered list (typed numbers press them)


@dataclass(frozen=True)
class Outgoing:
    """One message to send, and what to send instead if the API refuses its buttons."""

    message: dict[str, Any]
    fallback: tuple[dict[str, Any], ...] = ()


def text_message(text: str) -> dict[str, Any]:
    """A plain text message."""
    return {"text": text}


def button_message(text: str, reply: Reply) -> dict[str, Any]:
    """A text with `oa.query.hide` buttons; a click sends back "#<payload>" unseen."""
    buttons = [{"title": b.label, "type": "oa.query.hide",
                "payload": f"{PAYLOAD_MARK}{b.payload}"} for b in reply.buttons]
    return {"text": text,
            "attachment": {"type": "template", "payload": {"buttons": buttons}}}


def render(reply: Reply) -> list[Outgoing]:
    """Messages for one reply, in order; only the last can carry buttons.

    Args:
        reply: what the core said.

    Returns:
        `message` objects for /v3.0/oa/message/cs, each with its numbered-text fallback.
    """
    if not reply.buttons or len(reply.buttons) > MAX_BUTTONS:
        return [Outgoing(text_message(c)) for c in split_text(numbered_text(reply))]
    chunks = split_text(numbered_text(Reply(reply.text, (), reply.links))) or ["…"]
    outgoing = [Outgoing(text_message(chunk)) for chunk in chunks[:-1]]
    options = numbered_text(Reply("", reply.buttons)).strip()
    fallback = tuple(text_message(c) for c in split_text(f"{chunks[-1]}\n\n{options}"))
    outgoing.append(Outgoing(button_message(chunks[-1], reply), fallback))
    return outgoing
