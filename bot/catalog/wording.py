"""Plain-Vietnamese wording of a channel's time limit and fee, never more than the record says."""

from __future__ import annotations

import re

from bot.catalog.channels import PROVINCE_SET
from bot.catalog.model import ChannelTerms

NO_UNIT = "{text} (trang thủ tục không ghi là ngày hay giờ)"
UNCLEAR_FEE = ("Lưu ý: trang thủ tục ghi vừa \"Miễn phí\" vừa ghi mức thu. Bạn hỏi bộ phận "
               "một cửa mức đang áp dụng.")
PROVINCE_FEE = ("Lưu ý: mức lệ phí do Hội đồng nhân dân tỉnh quyết định nên mỗi tỉnh một khác, "
                "có người được miễn. Bạn hỏi bộ phận một cửa mức đang áp dụng.")
_NUMBER_ONLY = re.compile(r"^\d+(?:[.,]\d+)?$")
_GLUED_PAREN = re.compile(r"(?<=[^\s(])\(")
_COMMA = re.compile(r"(?<!\d),(?=\S)")  # not in "1,5" nor "20,000"
_STEP_BULLET = re.compile(r"^[-–•+*]\s*")


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}".replace(".", ",")


def time_label(terms: ChannelTerms) -> str:
    """'5 ngày làm việc' from the parsed value and unit; the record's words otherwise.

    A number the record gives without unit ('Trực tuyến5Miễn phí') is shown as written
    and said to lack its unit: no unit is guessed.
    """
    text = " ".join(terms.time_text.split())
    if terms.time_value is not None and terms.time_unit:
        return f"{_number(terms.time_value)} {terms.time_unit}"
    if _NUMBER_ONLY.match(text):
        return NO_UNIT.format(text=text)
    return text


def fee_label(terms: ChannelTerms) -> str:
    """The fee as the record words it, with a space before a glued '(' note."""
    text = " ".join(terms.fee_text.split())
    return _GLUED_PAREN.sub(" (", text)


def fee_warning(terms: ChannelTerms) -> str:
    """What to tell under a fee the record words as 'Miễn phí' but the parser did not take
    as free: a province-set fee, or an amount stated beside 'free'; "" otherwise."""
    if terms.fee_vnd is not None or not terms.fee_text.startswith("Miễn phí"):
        return ""
    return PROVINCE_FEE if PROVINCE_SET.search(terms.fee_text) else UNCLEAR_FEE


def tidy(text: str) -> str:
    """One line of a list: bullets the record left in dropped, '1 bản chính,1 bản sao' spaced."""
    return _COMMA.sub(", ", _STEP_BULLET.sub("", " ".join(text.split())))
