"""Street addresses, dates of birth and licence plates, found in linear time."""

from __future__ import annotations

import re

from bot.language.normalize import fold

ADDRESS = "[địa chỉ]"
BIRTH = "[ngày sinh]"
PLATE = "[biển số xe]"

# A house or lane number: 12, 12A, 12/3, 123/4/5B, 3/2 (the street "3 tháng 2").
_NUMBER = r"\d{1,5}[A-Za-z]?(?:/\d{1,5}[A-Za-z]?){0,3}(?![\w/])"
# Units below the commune: the bot never needs them, and with a number they locate a home.
# The commune, district and province ("phường Láng", "xã Tân Hòa") stay: they say "where".
# "tổ" needs its mark or "dân phố" ("giay to 2 ban" is "giấy tờ 2 bản"); "ấp" needs its mark
# or a number ("ap dung" is "áp dụng").
_UNIT = (r"s[oố][ \t]+nh[aà]|nh[aà][ \t]+s[oố]|h[eẻ]m|ng[oõ]|ng[aá]ch|ki[eệ]t|x[oó]m|th[oô]n|"
         r"khu[ \t]+ph[oố]|kp|t[oổ][ \t]+d[aâ]n[ \t]+ph[oố]|tdp|tổ|ấp|ap|đường|duong|phố|"
         r"l[oô][ \t]+(?=\d)|s[oố](?=[ \t]*\d[^ \t]*[ \t]+(?:đường|duong|h[eẻ]m|ng[oõ]|phố))")
_UNIT_RE = re.compile(
    rf"(?i)(?<![\w\-:/.])(?:{_UNIT})(?:[ \t]*:[ \t]*|[ \t]+)(?:s[oố][ \t]+)?")
_VALUE_NUMBER = re.compile(_NUMBER)
_VALUE_WORD = re.compile(r"[ \t]*([^\W\d_]{1,9})(?![\w])")
_NOT_AFTER_STREET = frozenset(["thanh"])  # "thành phố" is a city, not a street
MAX_NAME_WORDS = 4


def find_addresses(text: str) -> list[tuple[int, int]]:
    """Spans of house numbers, lanes, hamlets and street names after their unit word.

    Args:
        text: the message.

    Returns:
        Non-overlapping (start, end) spans of the values (the unit words stay).
    """
    spans: list[tuple[int, int]] = []
    shouted = text.isupper()  # "GỬI QUA ĐƯỜNG BƯU ĐIỆN": only numbers count then
    for unit in _UNIT_RE.finditer(text):
        if spans and unit.start() < spans[-1][1]:
            continue
        if fold(unit.group(0).split()[0]) == "pho" and fold(
                text[max(0, unit.start() - 6):unit.start()]).strip().endswith(
                tuple(_NOT_AFTER_STREET)):
            continue
        span = _value(text, unit.end(), names=not shouted)
        if span is not None:
            spans.append(span)
    return spans


def _value(text: str, pos: int, names: bool) -> tuple[int, int] | None:
    """A number, or capitalised words (a street or hamlet name), at `pos`."""
    number = _VALUE_NUMBER.match(text, pos)
    if number is not None:
        return number.span()
    if not names:
        return None
    start = end = None
    for _ in range(MAX_NAME_WORDS):
        word = _VALUE_WORD.match(text, end if end is not None else pos)
        if word is None or not word.group(1)[0].isupper():
            break
        start = word.start(1) if start is None else start
        end = word.end(1)
    return None if start is None or end is None else (start, end)


_DATE = re.compile(
    r"(?<![\d/.\-])(?:\d{1,2}[ \t]*[/.\-][ \t]*\d{1,2}[ \t]*[/.\-][ \t]*(?:19|20)?\d\d"
    r"|\d{1,2}[ \t]+th[aá]ng[ \t]+\d{1,2}[ \t]+n[aă]m[ \t]+(?:19|20)\d\d)(?![\d/.\-]\d|\d)")
_BIRTH_CUE = re.compile(r"(?:(?<!phat )\bsinh\b|\bns\b|\bdob\b|\bsn\b)[^\d]{0,20}$")
CUE_WINDOW = 32


def find_birth_dates(text: str) -> list[tuple[int, int]]:
    """Spans of full dates written shortly after "sinh", "ngày sinh", "ns", "dob".

    Years alone ("sinh năm 1990") and other dates ("nộp ngày 15/3/2024") are kept.
    """
    spans = []
    for date in _DATE.finditer(text):
        before = fold(text[max(0, date.start() - CUE_WINDOW):date.start()])
        if _BIRTH_CUE.search(before):
            spans.append(date.span())
    return spans


# 29A-123.45, 29A 12345, 51F1-234.56, 59-X1 123.45, 30LD-123.45, 29a12345.
_PLATE = re.compile(
    r"(?<![\w.\-/:])\d{2}[ \t]?-?[ \t]?[A-Za-z]{1,2}\d?[ \t]?[-.]?[ \t]?(?:\d{3}\.\d{2}|\d{4,5})"
    r"(?![\w]|[.,\-/]\d)")


def find_plates(text: str) -> list[tuple[int, int]]:
    """Spans of Vietnamese licence plates."""
    return [m.span() for m in _PLATE.finditer(text)]
