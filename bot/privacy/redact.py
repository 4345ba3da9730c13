"""Replace personal data in free text by placeholders, before anything is stored or logged."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SEP = r"[ .\-]?"
# Order matters: the most specific patterns run first so a card number is not read as a phone.
_PATTERNS: list[tuple[str, str, re.Pattern[str]]] = [
    ("email", "[email]", re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", re.UNICODE)),
    ("password", "[mật khẩu]", re.compile(
        r"(?i)((?:m[aậ]t\s*kh[aẩ]u|mk|pass(?:word|code)?|m[aã]\s*pin)\s*(?:l[aà]|:|=|\bla\b)?\s*)"
        r"(\S{4,})")),
    ("dossier", "[mã hồ sơ]", re.compile(
        r"\b[A-Z0-9]{1,6}(?:\.[A-Z0-9]{1,6}){1,5}-\d{6}-\d{3,6}\b|"
        r"\b[A-Z]\d{2}\.\d{2}(?:\.\d{1,3})?-\d{6}-\d{3,6}\b", re.IGNORECASE)),
    ("dossier", "[mã hồ sơ]", re.compile(
        r"(?i)((?:m[aã]\s*h[oồ]\s*s[oơ]|mhs|m[aã]\s*bi[eê]n\s*nh[aậ]n|m[aã]\s*pakn)\s*"
        r"(?:l[aà]|:|s[oố])?\s*)([A-Za-z0-9][A-Za-z0-9.\-/]{5,})")),
    ("card", "[số thẻ]", re.compile(r"(?<![\d.,/])\d{4}(?:[ \-]?\d{4}){3}(?:\d{1,3})?(?![\d.,])")),
    ("bank", "[số tài khoản]", re.compile(
        r"(?i)((?:s[oố]\s*t[aà]i\s*kho[aả]n|stk|tk\s*ng[aâ]n\s*h[aà]ng|account)\s*"
        r"(?:l[aà]|:)?\s*)(\d[\d \-]{5,18}\d)")),
    ("id", "[số định danh]", re.compile(r"(?<![\d.,/])\d{3}[ .]?\d{3}[ .]?\d{6}(?![\d.,/])")),
    ("phone", "[số điện thoại]", re.compile(
        r"(?<![\d.,/])(?:\+?84|0)" + _SEP + r"[235789]\d" + _SEP + r"\d{3}" + _SEP
        + r"\d{2}" + _SEP + r"\d{2}(?![\d,/])|"
        r"(?<![\d.,/])(?:\+?84|0)" + _SEP + r"\d{2,3}" + _SEP + r"\d{3,4}" + _SEP
        + r"\d{3,4}(?![\d,/])")),
    ("bank", "[số tài khoản]", re.compile(r"(?<![\d.,/])\d{10,19}(?![\d.,/])")),
    ("old_id", "[số CMND]", re.compile(r"(?<![\d.,/])\d{9}(?![\d.,/])")),
    ("code", "[mã]", re.compile(r"(?<![\d.,/:\-])\d{4,8}(?![\d.,/:\-]|\s*(?:đ|d|vnd|k)\b)")),
]
_YEAR = re.compile(r"(?:19[5-9]\d|20[0-4]\d)")


@dataclass(frozen=True)
class Redaction:
    """Redacted text and the kinds of personal data that were found."""

    text: str
    kinds: frozenset[str]

    @property
    def sensitive(self) -> bool:
        """True when the message held a secret or an identity number the bot never needs."""
        return bool(self.kinds & {"password", "code", "id", "old_id", "card", "bank"})


def _replace(pattern: re.Pattern[str], placeholder: str, kind: str, text: str,
             found: set[str]) -> str:
    def sub(match: re.Match[str]) -> str:
        whole = match.group(0)
        if kind == "code" and len(whole) == 4 and _YEAR.fullmatch(whole):
            return whole  # a year ("sinh năm 2024") is not a code
        found.add(kind)
        if pattern.groups >= 2:  # keep the cue words ("mật khẩu là"), drop the secret
            return match.group(1) + placeholder
        return placeholder

    return pattern.sub(sub, text)


def redact(text: str) -> Redaction:
    """Replace ID numbers, phones, emails, dossier codes, bank/card numbers, OTP-like codes.

    Args:
        text: a citizen's message.

    Returns:
        The redacted text and the kinds found ("email", "phone", "id", "old_id", "dossier",
        "card", "bank", "password", "code").
    """
    found: set[str] = set()
    for kind, placeholder, pattern in _PATTERNS:
        text = _replace(pattern, placeholder, kind, text, found)
    return Redaction(text, frozenset(found))
