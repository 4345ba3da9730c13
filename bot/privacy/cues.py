"""Secrets and codes named by a cue: plain-word passwords, codes after "mã" or "hồ sơ"."""

from __future__ import annotations

import re

from bot.language.normalize import fold, is_syllable

PASSWORD = "[mật khẩu]"  # noqa: S105 - a placeholder, not a password
CODE = "[mã]"
DOSSIER = "[mã hồ sơ]"

_FILLER = (r"(?:[ \t]+(?:c[uủ]a|t[oô]i|m[iì]nh|em|anh|ch[iị]|vneid|m[oớ]i|c[uũ]|"
           r"[dđ][aă]ng[ \t]*nh[aậ]p|t[aà]i[ \t]*kho[aả]n))*")
# "mật khẩu là hoamai": after an explicit "là", any word is the secret unless it asks
# something ("mật khẩu là gì", "mật khẩu là số hay chữ"). "mk" is also teencode for "mình"
# ("mk là sinh viên"), so after it only a token that is no Vietnamese syllable counts.
_PASSWORD = re.compile(
    r"(?i)\b(?:(?P<strong>m[aậ]t[ \t]*kh[aẩ]u|pass(?:word|code)?|m[aã][ \t]*pin)|(?P<mk>mk))"
    + _FILLER + r"[ \t]+l[aà][ \t]+(?P<word>[^\s,;!?]{3,40})(?![^\s,;!?])")
_ASKING = frozenset("""
ai bao bat buoc cai chu dung gi gom j khong ki ko ky ma may nao nhieu phai sai sao so
the vay
""".split())  # noqa: SIM905
# "mã số thuế 8012345678", "mã BHXH là 7912345678", "số hồ sơ HS2099XYZ999": the first
# code-like token (with a digit) within a few words after the cue. Words alone stay
# ("mã số thuế là gì"); so do years and procedure codes ("mã thủ tục 1.001234").
_CODE_CUE = re.compile(
    r"(?i)(?<![\w\-:/.])(?:(?P<dossier>(?:m[aã]|s[oố])[ \t]+h[oồ][ \t]*s[oơ]"
    r"|h[oồ][ \t]*s[oơ](?:[ \t]+s[oố])?)|m[aã])(?![\w\-:/.])")
# Words of a sentence, not the parts of a button payload ("st:flow:qr-lay-ma-moi:1").
_NEXT = re.compile(r"(?:[ \t]*[:=][ \t]*|[ \t]+)([^\s,;!?()\[\]\"']{1,40})")
_PROCEDURE = re.compile(r"[1-3]\.\d{6}\.?")
_YEAR = re.compile(r"(?:19|20)\d\d")
# Money, dates, hotlines and quantities are no codes ("hồ sơ lệ phí 200.000đ").
_NOT_CODE = re.compile(
    r"(?i)[1-9]\d{0,2}(?:[.,]\d{3})+\D{0,4}|\d{1,2}[/.\-]\d{1,2}(?:[/.\-]\d{2,4})?"
    r"|1[89]00\.?\d{2,6}|\d+(?:đ|d|k|vnd|vnđ|đồng|dong|h|km|kg|m2|tr|%|ngày|tháng|năm)")
LOOK_AHEAD = 5  # tokens after the cue
_MIXED = re.compile(r"(?<![\w.\-/:])(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{8,24}(?![\w.\-/:])")


def find_passwords(text: str) -> list[tuple[int, int]]:
    """Spans of plain-word passwords after "mật khẩu (của tôi) là", "mk là"."""
    spans = []
    for match in _PASSWORD.finditer(text):
        word = fold(match.group("word")).strip(".")
        if not word or word in _ASKING:
            continue
        if match.group("mk") and is_syllable(word):
            continue
        spans.append(match.span("word"))
    return spans


def find_codes(text: str) -> list[tuple[int, int, str]]:
    """(start, end, placeholder) of code-like tokens after "mã" / "số hồ sơ" and alone."""
    spans: list[tuple[int, int, str]] = []
    for cue in _CODE_CUE.finditer(text):
        if spans and cue.start() < spans[-1][1]:
            continue
        placeholder = DOSSIER if cue.group("dossier") else CODE
        pos = cue.end()
        for _ in range(LOOK_AHEAD):
            token = _NEXT.match(text, pos)
            if token is None:
                break
            value = token.group(1).rstrip(".")
            if _code_like(value):
                spans.append((token.start(1), token.start(1) + len(value), placeholder))
                break
            pos = token.end()
    for mixed in _MIXED.finditer(text):
        if sum(c.isdigit() for c in mixed.group(0)) >= 3 and sum(
                c.isalpha() for c in mixed.group(0)) >= 2:
            spans.append((mixed.start(), mixed.end(), DOSSIER))
    return spans


def _code_like(value: str) -> bool:
    if len(value) < 4 or not any(c.isdigit() for c in value):
        return False
    return not (_YEAR.fullmatch(value) or _PROCEDURE.fullmatch(value)
                or _NOT_CODE.fullmatch(value))
