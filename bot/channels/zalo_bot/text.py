"""Outgoing text for Zalo: NFC form and chunks of at most 2000 characters."""

from __future__ import annotations

import unicodedata

MAX_CHARS = 2000  # sendMessage and OA text limit (1-2000 characters)
_SEPARATORS = ("\n\n", "\n", " ")


def split_text(text: str, limit: int = MAX_CHARS) -> list[str]:
    """Split text into chunks of at most `limit` characters, at the best boundary available.

    Paragraph breaks are preferred, then line breaks, then spaces; a word longer than the
    limit (a URL...) is cut. The text is NFC-normalised first, because decomposed
    diacritics count as extra characters.

    Args:
        text: the message.
        limit: the maximum characters per chunk.

    Returns:
        Non-empty chunks in order; an empty list for blank text.
    """
    text = unicodedata.normalize("NFC", text).strip()
    chunks: list[str] = []
    while len(text) > limit:
        cut = _best_cut(text, limit)
        head, text = text[:cut].rstrip(), text[cut:].lstrip()
        if head:
            chunks.append(head)
    if text:
        chunks.append(text)
    return chunks


def _best_cut(text: str, limit: int) -> int:
    """Where to cut: after the last separator within the limit, if not too early."""
    window = text[:limit + 1]
    for separator in _SEPARATORS:
        at = window.rfind(separator)
        # A cut in the first quarter would leave a tiny chunk; try a finer separator.
        if at >= max(limit // 4, 1):
            return at
    return limit
