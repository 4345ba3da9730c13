"""Replace personal data in free text by placeholders, before anything is stored or logged."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.privacy import cues, details, names

# A digit run may be typed in groups: "0912 345 678", "001.099.012.345", "4111-1111-...".
_SEP = r"[ .\-]?"
# Not glued to a longer number on either side; "OTP:123456" and "123456." still match.
_START = r"(?<!\d)(?<!\d[.,/:\-])(?<!\w/)"
_END = r"(?!\d|[.,:\-]\d|/\w)"


def _digits(low: int, high: int) -> str:
    """A run of `low`..`high` digits with optional single separators between them."""
    return rf"\d(?:{_SEP}\d){{{low - 1},{high - 1}}}"


_CUE_SEP = r"\s*(?:l[aà]\s*|:\s*|=\s*|s[oố]\s*)?"
_FILLER = (r"(?:\s+(?:c[uủ]a|t[oô]i|m[iì]nh|em|anh|ch[iị]|vneid|m[oớ]i|c[uũ]|"
           r"[dđ][aă]ng\s*nh[aậ]p))*")
_PATTERNS: list[tuple[str, str, re.Pattern[str]]] = [
    # Bounded runs (RFC 5321 local part, DNS labels) keep this linear in the input length.
    ("email", "[email]", re.compile(r"[\w.+\-]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63}){1,8}")),
    # "mật khẩu: x", "pass=x": an explicit separator, any token.
    ("password", "[mật khẩu]", re.compile(
        r"(?i)(\b(?:m[aậ]t\s*kh[aẩ]u|mk|pass(?:word|code)?|m[aã]\s*pin)" + _FILLER
        + r"\s*[:=]\s*)(\S{3,})")),
    # "mật khẩu (của tôi) là Abc@123", "mk Abc12345": the token must look like a secret
    # (a digit or a symbol), so "quên mật khẩu vneid" or "mật khẩu là gì" stay readable. It
    # must stand apart from the cue: "mk-nhap:1" is a step id in a button payload.
    ("password", "[mật khẩu]", re.compile(
        r"(?i)(\b(?:m[aậ]t\s*kh[aẩ]u|mk|pass(?:word|code)?|m[aã]\s*pin)" + _FILLER
        + r"\s+(?:l[aà]\s+)?)((?=\S*[\d!@#$%^&*_+=?~])[^\s,;]{4,})")),
    # National and provincial dossier numbers: G22.99-250101-0001, 000.00.19.H29-250101-0001.
    ("dossier", "[mã hồ sơ]", re.compile(
        r"(?i)\b[A-Z0-9]{1,6}(?:\.[A-Z0-9]{1,6}){1,5}\s?-\s?\d{6}\s?-\s?\d{3,6}\b")),
    ("dossier", "[mã hồ sơ]", re.compile(
        r"(?i)(\b(?:m[aã]\s*h[oồ]\s*s[oơ]|mhs|m[aã]\s*bi[eê]n\s*nh[aậ]n|s[oố]\s*bi[eê]n\s*nh[aậ]n|"
        r"m[aã]\s*pakn|m[aã]\s*tra\s*c[uứ]u)" + _CUE_SEP
        + r")((?=\S*\d)[A-Za-z0-9][A-Za-z0-9.\-/]{5,})")),
    ("bank", "[số tài khoản]", re.compile(
        r"(?i)(\b(?:s[oố]\s*t[aà]i\s*kho[aả]n|stk|tk\s*ng[aâ]n\s*h[aà]ng|account)"
        r"(?:\s+[A-Za-zÀ-ỹ]+){0,2}" + _CUE_SEP + r")(" + _digits(6, 19) + r")" + _END)),
    ("code", "[mã]", re.compile(
        r"(?i)(\b(?:otp|m[aã]\s*x[aá]c\s*(?:th[uự]c|nh[aậ]n)|m[aã]\s*k[ií]ch\s*ho[aạ]t)"
        + _CUE_SEP + r")(" + _digits(4, 8) + r")" + _END)),
    ("card", "[số thẻ]", re.compile(_START + r"(?:\d{4}[ \-]?){3}\d{4}(?:\d{3})?" + _END)),
    ("id", "[số định danh]", re.compile(_START + _digits(12, 12) + _END)),
    ("phone", "[số điện thoại]", re.compile(
        r"(?<![\d+])(?<!\d[.,/:\-])(?:\(?\+84\)?|84|0)" + _SEP + r"[1-9](?:" + _SEP + r"\d){8,9}"
        + _END)),
    ("bank", "[số tài khoản]", re.compile(_START + _digits(13, 19) + _END)),
    ("bank", "[số tài khoản]", re.compile(_START + r"\d{10,11}" + _END)),
    ("old_id", "[số CMND]", re.compile(_START + _digits(9, 9) + _END)),
    ("dossier", "[mã hồ sơ]", re.compile(_START + r"\d{6}-\d{3,6}" + _END)),
    ("code", "[mã]", re.compile(_START + r"\d{4,8}" + _END)),
]
# Shapes that look like numbers above but are not personal: money with thousands dots
# (2.000.000.000), years, hotlines (1900 xxxx, 1800 xxxx).
_MONEY = re.compile(r"[1-9]\d{0,2}(?:[.,]\d{3})+")
_YEAR = re.compile(r"(?:19|20)\d\d")
_HOTLINE = re.compile(r"1[89]00[ .]?\d{2,6}")
_HOTLINE_BEFORE = re.compile(r"1[89]00[ .]$")
_UNIT_AFTER = re.compile(
    r"\s?(?:đ|d|đồng|dong|vnd|vnđ|k|nghìn|ngàn|nghin|ngan|tr|triệu|trieu|tỷ|tỉ|ty|m2|m²|km|"
    r"kg|cc|%|người|nguoi|lượt|luot|hồ sơ|ho so)(?![A-Za-zÀ-ỹ])", re.IGNORECASE)
_MONEY_BEFORE = re.compile(
    r"(?:ph[ií]|gi[aá]|ti[eề]n|t[oố]n|h[eế]t|m[aấ]t|l[eệ] ph[ií])\s*(?:l[aà]\s*)?$",
    re.IGNORECASE)
_STANDALONE = ("card", "id", "phone", "bank", "old_id", "code", "dossier")


@dataclass(frozen=True)
class Redaction:
    """Redacted text and the kinds of personal data that were found."""

    text: str
    kinds: frozenset[str]

    @property
    def sensitive(self) -> bool:
        """True when the message held a secret or an identity number the bot never needs."""
        return bool(self.kinds & {"password", "code", "id", "old_id", "card", "bank"})


def _harmless(kind: str, whole: str, text: str, start: int, end: int) -> bool:
    """Numbers that only look personal: money, years, hotlines, quantities with a unit."""
    if kind not in _STANDALONE:
        return False
    if _MONEY.fullmatch(whole) or _HOTLINE.fullmatch(whole):
        return True
    if kind == "code":
        if len(whole) == 4 and _YEAR.fullmatch(whole):
            return True  # "sinh năm 2024" is not a code
        if _HOTLINE_BEFORE.search(text[max(0, start - 5):start]):
            return True  # the second half of "1900 1234"
        if _UNIT_AFTER.match(text, end) or _MONEY_BEFORE.search(text[max(0, start - 12):start]):
            return True  # "50000đ", "phí 25000"
    return False


def _replacer(kind: str, placeholder: str, text: str, groups: int,
              found: set[str]) -> Callable[[re.Match[str]], str]:
    def sub(match: re.Match[str]) -> str:
        whole = match.group(0)
        if groups < 2 and _harmless(kind, whole, text, match.start(), match.end()):
            return whole
        found.add(kind)
        if groups >= 2:  # keep the cue words ("mật khẩu là"), drop the secret
            return match.group(1) + placeholder
        return placeholder

    return sub


_NEEDS_PATTERNS = re.compile(r"(?i)[\d@]|m[aậ]t\s*kh[aẩ]u|\bmk\b|pass|m[aã]\s*pin")


def redact(text: str) -> Redaction:
    """Replace personal data by placeholders, in time linear in the length of `text`.

    Args:
        text: a citizen's message (callers cut it to the channel's limit first).

    Returns:
        The redacted text and the kinds found ("email", "phone", "id", "old_id", "dossier",
        "card", "bank", "password", "code", "name", "address", "birth", "plate").
    """
    found: set[str] = set()
    # Wordy details first: a plate or a birth date would otherwise be cut into "codes".
    text = _apply(text, [
        *((a, b, names.NAME, "name") for a, b in names.find_names(text)),
        *((a, b, details.ADDRESS, "address") for a, b in details.find_addresses(text)),
        *((a, b, details.BIRTH, "birth") for a, b in details.find_birth_dates(text)),
        *((a, b, details.PLATE, "plate") for a, b in details.find_plates(text))], found)
    if _NEEDS_PATTERNS.search(text):  # most questions hold no number, "@" or password cue
        for kind, placeholder, pattern in _PATTERNS:
            text = pattern.sub(_replacer(kind, placeholder, text, pattern.groups, found), text)
    # Last, on what is left: numbers already replaced are no "code" any more.
    text = _apply(text, [
        *((a, b, cues.PASSWORD, "password") for a, b in cues.find_passwords(text)),
        *((a, b, ph, "dossier" if ph == cues.DOSSIER else "code")
          for a, b, ph in cues.find_codes(text))], found)
    return Redaction(text, frozenset(found))


def _apply(text: str, spans: list[tuple[int, int, str, str]], found: set[str]) -> str:
    """Replace non-overlapping spans (the first one wins) by their placeholders."""
    if not spans:
        return text
    out, pos = [], 0
    for start, end, placeholder, kind in sorted(spans):
        if start < pos or start == end:
            continue
        out += [text[pos:start], placeholder]
        found.add(kind)
        pos = end
    out.append(text[pos:])
    return "".join(out)


_PLACEHOLDER = re.compile("|".join(sorted(
    {re.escape(p) for _, p, _ in _PATTERNS} | {re.escape(p) for p in (
        names.NAME, details.ADDRESS, details.BIRTH, details.PLATE, cues.CODE, cues.DOSSIER)})))


def without_placeholders(text: str) -> str:
    """Redacted text with its placeholders blanked, for matching only.

    Args:
        text: the output of `redact`.

    Returns:
        The text without "[số định danh]" and the like, whose words would otherwise match
        topics ("biển số định danh").
    """
    return _PLACEHOLDER.sub(" ", text)


def scrub(value: Any) -> Any:
    """Redact every string inside a JSON-like value (a session dict) as a last safety net.

    Args:
        value: dicts, lists, strings, numbers.

    Returns:
        The same structure with each string redacted (keys are kept as they are).
    """
    if isinstance(value, str):
        return _scrub_text(value)
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


# Strings redaction leaves unchanged (button labels, payloads, flow ids: the bot's own text,
# scrubbed again on every turn). Redaction is a pure function, so a clean string stays clean;
# nothing personal is kept here, since only strings in which nothing was found are.
_CLEAN: dict[str, None] = {}
_CLEAN_MAX = 4096
_CLEAN_LONGEST = 300


def _scrub_text(text: str) -> str:
    if text in _CLEAN:
        return text
    result = redact(text)
    if not result.kinds and result.text == text and len(text) <= _CLEAN_LONGEST:
        if len(_CLEAN) >= _CLEAN_MAX:
            del _CLEAN[next(iter(_CLEAN))]
        _CLEAN[text] = None
    return result.text
