"""Find full names that people type about themselves or their family after a cue."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.language.normalize import fold

NAME = "[họ tên]"


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_WORD = re.compile(r"[ \t]*([^\W\d_]{1,9})(?![\w])")
_PEOPLE = (r"t[oô]i|em|m[iì]nh|con(?:[ \t]+(?:t[oô]i|em|m[iì]nh|g[aá]i|trai))?|ch[aá]u|b[eé]|"
           r"b[oố]|m[eẹ]|v[oợ]|ch[oồ]ng|anh|ch[iị]|[oô]ng|b[aà]")
# "họ tên", "họ và tên": also a topic word ("sửa họ tên"), so it needs a separator, capitals
# or a surname after it. "tôi tên", "con tên", "tên tôi": only a name can follow them.
_CUES = re.compile(
    r"(?i)\b(?:(?P<full>h[oọ][ \t]+(?:v[aà][ \t]+)?t[eê]n)"
    rf"|(?P<own>(?:{_PEOPLE})[ \t]+t[eê]n|t[eê]n[ \t]+(?:c[uủ]a[ \t]+)?(?:{_PEOPLE}))"
    rf"|(?P<weak>(?:{_PEOPLE})(?:[ \t]+(?:t[oô]i|em|m[iì]nh))?[ \t]+l[aà]))\b"
    r"(?P<sep>[ \t]*(?::|=|\bl[aà]\b))?")
# Words that end a name typed in lower case ("tên con là gì", "tên tôi bị sai").
_STOP = _wordset("""
la gi j ai sao nao the vay bi sai co khong ko k kg hong duoc dc da dang se can muon phai
nhung va voi cua o tai cho de thi ma nhu trong tren khi nen vi lam viet ghi doi sua dat
theo cung con toi em minh chau be anh chi nay do kia a ah nhe nha oi u ha hay hoac sinh
tuoi ngay thang que thuong tru tam dia chi so tren giay khai moi cu cmnd cccd ho ten roi
chua luon rat qua lai nua ve vao ra di den tu ban
""")
# After a surname, only these end a lower-case name ("tran thi mai" keeps "thi").
_HARD_STOP = _wordset("""
la gi j co khong ko k bi sai duoc dc o tai cho de va voi cua nhe nha sinh nam ngay que
dia so muon can lam
""")
_SURNAMES = _wordset("""
nguyen tran le pham hoang huynh phan vu dang bui ngo duong dinh doan truong trinh luong
kieu quach tang luu vuong phung
""")
# Capitalised words after "tôi là" that are no name.
_NOT_NAMES = _wordset("la viet kieu dang cong bo nguoi chu giam doc truong")
MAX_WORDS = 5


def find_names(text: str) -> list[tuple[int, int]]:
    """Spans of names after a cue ("tôi tên là Nguyễn Văn A", "con tôi là Bình").

    Args:
        text: the message.

    Returns:
        (start, end) spans of the names, in order, not overlapping.
    """
    spans: list[tuple[int, int]] = []
    shouted = text.isupper()  # "SỬA HỌ TÊN TRONG GIẤY KHAI SINH": capitals tell nothing
    for cue in _CUES.finditer(text):
        if spans and cue.start() < spans[-1][1]:
            continue
        words = _words(text, cue.end())
        capitals = 0 if shouted else _leading(
            words, lambda w: w[0].isupper() and fold(w) not in _NOT_NAMES)
        if cue.group("weak") and words and fold(words[0][2]) in _NOT_NAMES:
            capitals = 0  # "em là Việt kiều", "tôi là Đảng viên"
        if cue.group("weak"):
            count = capitals  # "con tôi là con nuôi": only capitals make a name here
        elif capitals:
            count = capitals
        else:
            surname = bool(words) and fold(words[0][2]) in _SURNAMES
            stop = _HARD_STOP if surname else _STOP
            lower = _leading(words, lambda w, stop=stop: fold(w) not in stop)  # type: ignore[misc]
            count = lower if (cue.group("sep") or cue.group("own") or surname) else 0
        if count:
            spans.append((words[0][0], words[count - 1][1]))
    return spans


def _words(text: str, pos: int) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    while len(out) < MAX_WORDS:
        match = _WORD.match(text, pos)
        if match is None:
            break
        out.append((match.start(1), match.end(1), match.group(1)))
        pos = match.end()
    return out


def _leading(words: list[tuple[int, int, str]], good: Callable[[str], bool]) -> int:
    count = 0
    for _, _, word in words:
        if not good(word):
            break
        count += 1
    return count
