"""Neutral message objects exchanged between channel adapters and the core."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_PAYLOAD_BYTES = 64  # Telegram's callback_data cap; every payload must fit it.


@dataclass(frozen=True)
class Incoming:
    """One thing a citizen did: typed text, pressed a button, or opened a deep link.

    Attributes:
        channel: "console", "telegram", "zalo-bot", "zalo-oa", ...
        user_key: the channel's stable id for the person (pseudonymised before storage).
        text: what was typed, if anything.
        button: the payload of a pressed button, if any.
        start_payload: the deep-link payload of `/start PAYLOAD`, if any.
        update_id: the channel's id of this event, used to drop redeliveries.
        locale: the client's language code, when the channel tells it.
        is_staff: a configured staff member writing in a private chat (never in a group:
            staff reports quote citizens' questions).
    """

    channel: str
    user_key: str
    text: str | None = None
    button: str | None = None
    start_payload: str | None = None
    update_id: str | None = None
    locale: str | None = None
    is_staff: bool = False


@dataclass(frozen=True)
class Button:
    """A choice offered to the citizen; `payload` is a short id resolved by the core."""

    label: str
    payload: str

    def __post_init__(self) -> None:
        if len(self.payload.encode("utf-8")) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"button payload over {MAX_PAYLOAD_BYTES} bytes: {self.payload!r}")


@dataclass(frozen=True)
class Link:
    """An official link shown under a reply."""

    title: str
    url: str


@dataclass(frozen=True)
class Reply:
    """One message to send. Channels without buttons render them as a numbered list."""

    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)
    links: tuple[Link, ...] = field(default_factory=tuple)


def numbered_text(reply: Reply) -> str:
    """Render a reply as plain text with its buttons as a numbered list and links below.

    Args:
        reply: the reply to render.

    Returns:
        Text for channels without buttons (console, Zalo Bot Platform).
    """
    parts = [reply.text]
    if reply.links:
        parts.append("\n".join(f"🔗 {link.title}: {link.url}" for link in reply.links))
    if reply.buttons:
        options = "\n".join(f"{i}. {b.label}" for i, b in enumerate(reply.buttons, 1))
        parts.append(f"{options}\n(Gõ số để chọn)")
    return "\n\n".join(parts)
