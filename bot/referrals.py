"""Deep links and QR posters that open the bot on a topic or flow, tagged with a team code."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import segno

from bot.core.router import PAYLOAD_RE, TEAM_SEPARATOR

TEAM_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,28}[a-z0-9])?$")


class LinkError(ValueError):
    """The requested link cannot be built; the message says why."""


def make_payload(target: str = "", team: str = "") -> str:
    """Build a `/start` payload: `<topic-id>`, `flow-<id>`, with `__<team>` when given.

    Args:
        target: a topic id or `flow-<flow-id>`, or "" for the main menu.
        team: the community team's code (lower-case letters, digits, dashes).

    Returns:
        The payload, at most 64 characters from [A-Za-z0-9_-].

    Raises:
        LinkError: the team code or the combined payload is not valid.
    """
    if team and not TEAM_RE.match(team):
        raise LinkError(f"team code {team!r}: use 1-30 lower-case letters, digits and dashes")
    payload = f"{target}{TEAM_SEPARATOR}{team}" if team else target
    if not PAYLOAD_RE.match(payload):
        raise LinkError(f"payload {payload!r} is longer than 64 characters or has other "
                        "characters than letters, digits, '-' and '_'")
    return payload


def telegram_link(username: str, payload: str) -> str:
    """The t.me deep link that opens the bot with `/start PAYLOAD`."""
    name = username.lstrip("@")
    return f"https://t.me/{name}?start={quote(payload)}" if payload else f"https://t.me/{name}"


def save_qr(url: str, path: str | Path) -> Path:
    """Write a QR code for `url` as SVG or PNG (by the file's extension).

    Args:
        url: what the QR code opens.
        path: output file, `.svg` or `.png`.

    Returns:
        The written path.
    """
    out = Path(path)
    if out.suffix.lower() not in (".svg", ".png"):
        raise LinkError("the QR file must end in .svg or .png")
    out.parent.mkdir(parents=True, exist_ok=True)
    segno.make(url, error="m").save(str(out), scale=10, border=2)
    return out
