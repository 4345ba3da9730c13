"""Spot messages that describe a scam: money, links, apps or codes asked for by a caller."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.language.normalize import fold, has_diacritics, nfc, tokenize


def _words(*phrases: str) -> re.Pattern[str]:
    """A pattern matching any of the folded phrases as whole words."""
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b")


# Someone reached the citizen: a call, a message, a stranger, a claimed identity.
CONTACT = _words(
    r"goi(?! (?:len|tong dai|den|lai|1))(?: dien)?", r"nhan tin", r"tin nhan", "sms",
    "ket ban", "zalo", "facebook", r"so la", r"nguoi la", r"tu xung", r"xung(?! quanh| dot)",
    r"mao danh", r"gia danh", r"gia mao", r"nguoi goi", r"ai do", r"co nguoi(?! nha)",
    r"nhan lam", r"trang web", r"ben kia", r"ho (?:bao|noi|goi|gui)",
)
# ... and told them to do something (not "bao nhiêu", "bảo hiểm", "bắt đầu"). Typed with
# diacritics the words are read as typed: "nói" is not "nơi", "đòi" is not "đổi".
DEMAND = _words(r"bao(?! (?:nhieu|lau|gio|hiem|ho|cao|ve|hanh|mat))",
                r"bat(?! (?:dau|ky|buoc|dong))", r"yeu cau", r"de nghi", "noi", "xin",
                r"nhan lam", "doi", "keu")
DEMAND_MARKED = re.compile(r"\b(?:bảo(?! hiểm| vệ| hành| mật| quản)|bắt(?! đầu| buộc)|yêu cầu|"
                           r"đề nghị|nói|xin|đòi|nhận làm|kêu)\b")
TRANSFER = _words(
    r"chuyen (?:tien|khoan|phi|\d+)", r"chuyen truoc", r"(?:nop|dong|gui|nap) (?:tien|\d+|phi)",
    r"\d+ ?(?:k|nghin|ngan|trieu|tr)", r"so tai khoan",
)
LINK = _words("link", r"duong dan", r"bam vao", r"an vao", r"nhan vao", "click", r"quet ma",
              r"bam phim")
INSTALL = _words(r"cai (?:app|ung dung|phan mem|vao)", "apk", r"cai app", r"cai dat")
OUTSIDE_STORE = _words(r"ngoai (?:ch play|app store|cua hang)", r"file apk")
# A link or app the citizen calls strange ("link lạ"); folded "la" is also "là" (is).
STRANGE_MARKED = re.compile(r"\b(?:link|đường dẫn|app|ứng dụng|trang web|số) lạ\b")
STRANGE = _words(r"(?:link|duong dan|app|ung dung) la(?! (?:gi|cua|o|sao|trang|dung|the|link))")
SECRET = _words("otp", r"ma xac thuc", "passcode", r"mat khau", r"anh can cuoc", r"anh cccd",
                r"so tai khoan")
# The citizen read out or handed over a code.
GAVE = _words("doc", "dua", r"cung cap", r"gui (?:cho|lai cho)")
THREAT = _words(r"(?:bi|se) khoa", r"khoa tai khoan", r"bi loi", r"cap nhat", r"dong bo",
                r"trung thuong", r"nhan qua", r"hoan (?:tien|thue)", r"vu an", r"rua tien",
                r"ma tuy", r"cat dien", r"tai nan", r"trieu tap", "phat",
                r"kich hoat")
SCAM_WORDS = _words(r"lua dao", r"bi lua", r"lua (?:mat|tien|chuyen|cai|doc)", r"mao danh",
                    r"gia danh", r"gia mao", r"(?:app|ung dung|trang|web|vneid) gia",
                    r"that (?:hay|va|voi)(?: \w+){0,4} gia")
SCAM_WORDS_MARKED = re.compile(r"\blừa\b")  # not "lựa" (choose) nor "lúa" (rice)
URL = re.compile(r"(?:https?://|www\.)\S+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*"
                 r"\.(?:com|net|org|info|vip|xyz|top|site|online|cc|club|shop|app|link)\b")
SCAM_TOPIC = "lua-dao"  # the knowledge-base topic answered when a scam names no other topic
OFFICIAL = re.compile(r"(?:^|[./])gov\.vn\b")


@dataclass(frozen=True)
class ScamSignal:
    """Why a message looks like a scam (empty `reasons`: it does not)."""

    reasons: tuple[str, ...]

    @property
    def is_scam(self) -> bool:
        """True when any reason was found."""
        return bool(self.reasons)


def _unofficial_url(text: str) -> bool:
    """A web address that is not on a .gov.vn domain."""
    return any(not OFFICIAL.search(m.group(0)) for m in URL.finditer(fold(text)))


def detect_scam(text: str) -> ScamSignal:
    """Read a citizen's message for the marks of a scam.

    A request to transfer money, open a link, install an app or read out a code counts only
    when someone else asked for it (a caller, a message, a stranger): "chuyển khoản nộp lệ phí
    trên cổng" is an ordinary question, "nhân viên bảo hiểm gọi bảo chuyển 500k" is not.

    Args:
        text: the raw message (never stored by this function).

    Returns:
        The reasons found, empty for an ordinary question.
    """
    plain = " ".join(tokenize(text))
    contact = bool(CONTACT.search(plain))
    marked = nfc(text).lower() if has_diacritics(text) else None
    asked = contact and bool(DEMAND_MARKED.search(marked) if marked is not None
                             else DEMAND.search(plain))
    threat = bool(THREAT.search(plain))
    checks = {
        "scam-words": SCAM_WORDS.search(plain)
        or (marked is not None and SCAM_WORDS_MARKED.search(marked)),
        "unofficial-link": _unofficial_url(text),
        "transfer": TRANSFER.search(plain) and (asked or (contact and threat)),
        "link": LINK.search(plain) and contact,
        "strange-link": STRANGE_MARKED.search(marked) if marked is not None
        else STRANGE.search(plain),
        "install": INSTALL.search(plain) and contact,
        "outside-store": OUTSIDE_STORE.search(plain),
        "secret": SECRET.search(plain) and contact and (asked or GAVE.search(plain)),
    }
    reasons = [name for name, hit in checks.items() if hit]
    if asked and threat and not reasons:
        reasons.append("threat")
    return ScamSignal(tuple(reasons))
