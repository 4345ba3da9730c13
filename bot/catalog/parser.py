"""Check one raw portal record and parse it into a typed Procedure."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from bot.catalog.channels import parse_channels
from bot.catalog.model import Procedure
from bot.catalog.tables import (
    clean,
    parse_documents,
    parse_legal_basis,
    parse_result,
    parse_steps,
)
from bot.language.normalize import fold

# The portal's field names; every one is text when present.
TEXT_FIELDS = (
    "ma_thu_tuc", "ten_thu_tuc", "so_quyet_dinh", "cap_thuc_hien", "loai_thu_tuc", "linh_vuc",
    "doi_tuong_thuc_hien", "co_quan_co_tham_quyen", "dia_chi_tiep_nhan",
    "co_quan_duoc_uy_quyen", "co_quan_phoi_hop", "thu_tuc_lien_quan", "trinh_tu_thuc_hien",
    "cach_thuc_thuc_hien", "thanh_phan_ho_so", "can_cu_phap_ly", "yeu_cau_dieu_kien",
    "ket_qua_xu_ly", "detail_url", "formality_id", "raw_text", "co_quan_thuc_hien",
)
REQUIRED = ("ma_thu_tuc", "ten_thu_tuc")
EXTRA_FIELDS = ("so_quyet_dinh", "loai_thu_tuc", "co_quan_co_tham_quyen",
                "co_quan_duoc_uy_quyen", "co_quan_phoi_hop", "thu_tuc_lien_quan",
                "formality_id")
_LEVEL_WORDS = (("cap bo", "bo"), ("cap tinh", "tinh"), ("cap xa", "xa"),
                ("co quan khac", "khac"))
# Wording from before the two-tier reform of 1 July 2025 (districts and towns were abolished).
LEGACY_PHRASES = ("cấp huyện", "UBND huyện", "Ủy ban nhân dân huyện", "Uỷ ban nhân dân huyện",
                  "thị trấn", "quận, huyện", "huyện, thị xã", "cấp quận", "Phòng Tư pháp huyện")
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._\-]*$")


class RecordError(ValueError):
    """A record that cannot be imported; the message names the problem."""


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null" if value is None else type(value).__name__


class Checked(dict[str, str]):
    """A record that passed `check_record` (parse_record does not check it again)."""


def check_record(record: object) -> Checked:
    """Validate a raw record; return its known fields as stripped text.

    Raises:
        RecordError: not an object, a required field missing or empty, a field not text.
    """
    if not isinstance(record, Mapping):
        raise RecordError(f"expected an object with the portal's fields, got {_type_name(record)}")
    checked = Checked()
    for name in TEXT_FIELDS:
        value = record.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise RecordError(f"{name}: expected text, got {_type_name(value)} {value!r:.40}")
        # The portal mixes NFD ("lần" as a + combining marks) into NFC text: fold to NFC.
        value = unicodedata.normalize("NFC", value)
        checked[name] = value.strip() if name != "raw_text" else value
    for name in REQUIRED:
        if not checked[name]:
            raise RecordError(f"no {name}")
    if not _CODE.match(checked["ma_thu_tuc"]):
        raise RecordError(f"ma_thu_tuc: not a procedure code: {checked['ma_thu_tuc']!r:.40}")
    return checked


def content_hash(checked: Mapping[str, str]) -> str:
    """A stable fingerprint of a checked record, to tell changed from unchanged on import."""
    data = json.dumps({k: checked[k] for k in TEXT_FIELDS}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:20]


def parse_levels(text: str) -> tuple[str, ...]:
    """'Cấp bộ, Cấp tỉnh' → ('bo', 'tinh')."""
    folded = fold(text)
    return tuple(key for words, key in _LEVEL_WORDS if words in folded)


def find_legacy(*texts: str) -> tuple[str, ...]:
    """The pre-reform phrases present in any of the texts, in LEGACY_PHRASES order."""
    lowered = " ".join(texts).lower()
    return tuple(p for p in LEGACY_PHRASES if p.lower() in lowered)


def parse_record(record: Mapping[str, Any]) -> Procedure:
    """Parse a raw portal record into a Procedure; unparseable values keep their text.

    Raises:
        RecordError: the record fails `check_record`.
    """
    rec = record if isinstance(record, Checked) else check_record(record)
    channels = parse_channels(rec["cach_thuc_thuc_hien"], rec["trinh_tu_thuc_hien"])
    documents = parse_documents(rec["thanh_phan_ho_so"])
    steps = parse_steps(rec["trinh_tu_thuc_hien"])
    result = "; ".join(parse_result(rec["ket_qua_xu_ly"]))
    agency = clean(rec["co_quan_thuc_hien"]) or clean(rec["co_quan_co_tham_quyen"])
    legacy = find_legacy(
        rec["ten_thu_tuc"], agency, rec["dia_chi_tiep_nhan"], rec["doi_tuong_thuc_hien"],
        rec["trinh_tu_thuc_hien"], rec["cach_thuc_thuc_hien"], rec["thanh_phan_ho_so"],
        rec["yeu_cau_dieu_kien"], rec["ket_qua_xu_ly"])
    extra = {name: clean(rec[name]) for name in EXTRA_FIELDS if clean(rec[name])}
    return Procedure(
        code=rec["ma_thu_tuc"], name=" ".join(rec["ten_thu_tuc"].split()),
        field=clean(rec["linh_vuc"]), levels=parse_levels(rec["cap_thuc_hien"]),
        agency=agency, applicants=clean(rec["doi_tuong_thuc_hien"]), channels=channels,
        documents=documents, steps=steps, conditions=_conditions(rec["yeu_cau_dieu_kien"]),
        result=result, legal_basis=parse_legal_basis(rec["can_cu_phap_ly"]),
        url=rec["detail_url"], address=clean(rec["dia_chi_tiep_nhan"]), legacy=legacy,
        extra=extra)


def _conditions(text: str) -> str:
    """'Không', 'Không có', 'Không có thông tin' all mean no condition."""
    body = clean(text)
    return "" if fold(body).strip(" .") in ("khong", "khong co") else body
