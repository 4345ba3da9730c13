"""Cut what a citizen sends to the platforms' own limits before anything reads it."""

from __future__ import annotations

MAX_TEXT_CHARS = 4096  # Telegram's limit for a message's text (Zalo's is lower)
MAX_PAYLOAD_BYTES = 64  # Telegram's limit for a /start payload and for callback data


def cut_text(text: str | None, limit: int = MAX_TEXT_CHARS) -> str | None:
    """The first `limit` characters of `text` (None stays None)."""
    return None if text is None else text[:limit]


def cut_bytes(text: str | None, limit: int = MAX_PAYLOAD_BYTES) -> str | None:
    """The longest prefix of `text` whose UTF-8 form fits in `limit` bytes."""
    if text is None or len(text) * 4 <= limit:
        return text
    return text.encode("utf-8", "replace")[:limit].decode("utf-8", "ignore")
