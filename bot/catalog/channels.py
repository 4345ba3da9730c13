"""Parse the portal's flattened 'Cách thức thực hiện' table into channels with time and fee."""

from __future__ import annotations

import re

from bot.catalog.model import ChannelTerms

HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
CHANNEL_KEYS = {"trực tuyến": "truc_tuyen", "dịch vụ bưu chính": "buu_chinh",
                "trực tiếp": "truc_tiep"}
NO_INFO = "Không có thông tin"
# A row starts with a channel name glued to its next cell ("Trực tuyến5 Ngày", "Trực
# tiếpKhông..."); inside a description the name is followed by a space or punctuation.
_ROW = re.compile(r"(Trực tuyến|Dịch vụ bưu chính|Trực tiếp)(?=[^\s:,.;)\-–])")
_UNITS = {"ngày làm việc": "ngày làm việc", "ngày": "ngày", "giờ làm việc": "giờ làm việc",
          "giờ": "giờ", "tháng": "tháng", "năm": "năm", "phút": "phút", "tuần": "tuần"}
_TIME = re.compile(r"(\d+(?:[.,]\d+)?)\s*(ngày làm việc|ngày|giờ làm việc|giờ|tháng|năm|phút"
                   r"|tuần)?", re.IGNORECASE)
_CURRENCY = r"(?:Việt Nam Đồng|VNĐ|VND|Đồng|đồng|USD)"
_AMOUNT_FEE = re.compile(r"([\d.,]+)\s*" + _CURRENCY)
_FEE_START = re.compile(r"Miễn phí|Không có thông tin|\d[\d.,]*\s*" + _CURRENCY)
_USD = re.compile(r"(\d+(?:[.,]\d{1,2})?)\s*USD\b")  # "10 USD", "145 USD(...)"
# "Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh ... quyết định": each province sets the fee.
PROVINCE_SET = re.compile(r"Hội đồng nhân dân|HĐND", re.IGNORECASE)
_GROUPED = re.compile(r"[1-9]\d{0,2}(?:,\d{3})*|0")
_PAREN_AMOUNT = re.compile(r"(?<![\d/])(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:đồng|vnđ|vnd|đ\b)",
                           re.IGNORECASE)
# An amount in a note: grouped digits ("8.000.000/lần") or a bare one with a price unit
# ("15000000/lần Đồng"); dates (01/7/2025) and document numbers (25/2022/TT-BTC) are not.
_PRICE_HINT = re.compile(r"(?<![\d/.,])\d{1,3}(?:[.,]\d{3})+(?![\d/])|\d{4,}\s*/\s*[a-zà-ỹ]+"
                         r"(?:\s*(?:đồng|Đồng|VNĐ))?")
_DAYS_PER_UNIT = {"ngày làm việc": 1.0, "ngày": 1.0, "giờ làm việc": 1 / 24, "giờ": 1 / 24,
                  "phút": 1 / 1440, "tuần": 7.0}


def parse_channels(text: str, context: str = "") -> tuple[ChannelTerms, ...]:
    """Split the table into one ChannelTerms per row (a channel may appear more than once).

    Args:
        text: the record's `cach_thuc_thuc_hien`.
        context: more of the record's text (its steps): a time written without unit ('5')
            takes the unit this text gives the same number ('05 ngày làm việc'), if any.

    Returns:
        The rows in the record's order; empty when no row is recognisable.
    """
    body = text.strip()
    if body.startswith(HEADER):
        body = body[len(HEADER):]
    starts = [m for m in _ROW.finditer(body) if m.start() == 0 or _ROW.match(body, m.start())]
    rows = []
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(body)
        key = CHANNEL_KEYS[match.group(1).lower()]
        rows.append(_parse_row(key, body[match.end():end], context))
    return tuple(rows)


def _parse_row(channel: str, cells: str, context: str = "") -> ChannelTerms:
    """One row without its channel name: time, fee, description glued together."""
    glued = _AMOUNT_FEE.match(cells)
    if glued and cells[:1].isdigit():
        value, time_text, fee_text, fee_vnd, note = _split_glued(cells, glued)
        unit = ""
    else:
        time_text, value, unit, rest = _split_time(cells)
        fee_text, fee_vnd, note = _split_fee(rest)
    if value is not None and not unit:
        unit = _unit_from_note(time_text, note) or _unit_from_note(time_text, context)
    days = value * _DAYS_PER_UNIT[unit] if value is not None and unit in _DAYS_PER_UNIT \
        else None
    usd = _USD.match(fee_text)
    return ChannelTerms(channel=channel, time_text=time_text, time_days=days, time_unit=unit,
                        fee_text=fee_text, fee_vnd=fee_vnd, note=note.strip(),
                        time_value=value,
                        fee_usd=float(usd.group(1).replace(",", ".")) if usd else None)


def _split_time(cells: str) -> tuple[str, float | None, str, str]:
    """(time text, number, unit, rest) from the start of a row."""
    match = _TIME.match(cells)
    if match:
        value: float | None = float(match.group(1).replace(",", "."))
        unit = _UNITS[match.group(2).lower()] if match.group(2) else ""
        if value == 0 and not unit:
            value = None  # "0" with no unit is an unset cell, not "the same day"
        return match.group(0).strip(), value, unit, cells[match.end():]
    if cells.startswith(NO_INFO):  # the time cell says "no information"
        return "", None, "", cells[len(NO_INFO):]
    fee = _FEE_START.search(cells)
    if fee is None:
        return "", None, "", cells
    time_text = cells[:fee.start()].strip()
    return ("" if time_text == NO_INFO else time_text), None, "", cells[fee.start():]


def _split_fee(rest: str) -> tuple[str, int | None, str]:
    """(fee text, amount in đồng, description) from what follows the time cell."""
    if rest.startswith(NO_INFO):
        return "", None, rest[len(NO_INFO):]
    if rest.startswith("Miễn phí"):
        detail, note = _parenthetical(rest[len("Miễn phí"):])
        # "Miễn phí" followed by a stated amount contradicts itself, and one followed by
        # "the province council sets the fee" is not free: keep the text only.
        stated = [a for a in _amounts(detail) if a > 0] or _PRICE_HINT.search(detail) \
            or PROVINCE_SET.search(detail)
        return ("Miễn phí" + detail).strip(), (None if stated else 0), note
    match = _AMOUNT_FEE.match(rest)
    if match:
        detail, note = _parenthetical(rest[match.end():])
        return (match.group(0) + detail).strip(), _fee_amount(match, detail), note
    return "", None, rest


def _fee_amount(match: re.Match[str], detail: str) -> int | None:
    """The main amount in đồng; a token like '20 VNĐ' explained as '20.000 vnđ' is read so."""
    if "USD" in match.group(0):
        return None
    digits = match.group(1).replace(",", "").replace(".", "")
    if not digits.isdigit():
        return None
    amount = int(digits)
    if 0 < amount < 1000 and amount * 1000 in _amounts(detail):
        return amount * 1000
    return amount


def _parenthetical(text: str) -> tuple[str, str]:
    """Split a leading balanced '(...)' off `text`: (parenthetical, remainder)."""
    if not text.startswith("("):
        return "", text
    depth = 0
    for i, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if depth == 0:
            return text[:i + 1], text[i + 1:]
    return text, ""


def _amounts(text: str) -> list[int]:
    """Amounts in đồng written in a free-text note ('20.000 vnđ', '2.000.000 đồng')."""
    found = []
    for match in _PAREN_AMOUNT.finditer(text):
        digits = re.sub(r"[.,]", "", match.group(1))
        found.append(int(digits))
    return found


def _split_glued(cells: str, glued: re.Match[str]
                 ) -> tuple[float | None, str, str, int | None, str]:
    """A unitless time glued to an amount ('120 VNĐ' = 1 + 20? 12 + 0?): split only if sure.

    Returns:
        (time value, time text, fee text, fee in đồng, description); when the split is
        ambiguous the whole cell is kept as the fee text and both numbers are None.
    """
    digits = glued.group(1)
    detail, note = _parenthetical(cells[glued.end():])
    explained = set(_amounts(detail))
    options = []
    for cut in range(1, len(digits)):
        head, tail = digits[:cut], digits[cut:]
        if head.isdigit() and not head.startswith("0") and _GROUPED.fullmatch(tail):
            options.append((head, tail, int(tail.replace(",", ""))))
    sure = [o for o in options if o[2] in explained or o[2] * 1000 in explained]
    if len(options) != 1 and len(sure) != 1:
        return None, "", (glued.group(0) + detail).strip(), None, note
    head, tail, stated = (sure or options)[0]
    amount: int | None = stated
    if 0 < stated < 1000 and stated * 1000 in explained:
        amount = stated * 1000
    if "USD" in glued.group(0):
        amount = None
    currency = glued.group(0)[len(digits):]
    return float(head), head, (tail + currency + detail).strip(), amount, note


def _unit_from_note(time_text: str, note: str) -> str:
    """A bare '5' takes its unit from the description when it says '5 ngày làm việc'."""
    number = re.escape(time_text)
    found = re.search(rf"(?<![\d.,/])0*{number}\s*(?:\([^)]*\)\s*)?"
                      r"(ngày làm việc|ngày|giờ|tháng)",
                      note, re.IGNORECASE)
    return _UNITS[found.group(1).lower()] if found else ""
