"""Typed procedures of the national catalogue: the contract between import, store and matching."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

# Levels as the portal names them, folded to three short keys (plus "khac" for "Cơ quan khác").
LEVELS = ("bo", "tinh", "xa", "khac")
# Submission channels, folded: trực tuyến / dịch vụ bưu chính / trực tiếp.
CHANNELS = ("truc_tuyen", "buu_chinh", "truc_tiep")


@dataclass(frozen=True)
class ChannelTerms:
    """One way to submit, with its time limit and fee as the record states them."""

    channel: str                 # one of CHANNELS
    time_text: str               # e.g. "5 Ngày làm việc"; "" when the record gives none
    time_days: float | None      # parsed number of days, None when not parseable
    time_unit: str               # "ngày làm việc" | "ngày" | "giờ" | "tháng" | "" ...
    fee_text: str                # e.g. "Lệ phí : 50.000 Đồng"; "Miễn phí"; "" when none
    fee_vnd: int | None          # smallest stated amount in đồng; 0 when free; None when unknown
    note: str = ""               # the "Mô tả" cell, trimmed
    time_value: float | None = None  # the number as written, in time_unit (None: unparsed)
    fee_usd: float | None = None  # a fee set in US dollars (visas, residence cards): "10 USD"


@dataclass(frozen=True)
class Document:
    """One item of the dossier (thành phần hồ sơ)."""

    name: str
    form: str = ""               # the form/template name (mẫu đơn, tờ khai), "" when none
    copies: str = ""             # e.g. "1 bản chính", "Bản sao: 1"
    group: str = ""              # the case it belongs to ("Trường hợp ...:"), "" when one list


@dataclass(frozen=True)
class LegalBasis:
    """One legal document the procedure rests on."""

    title: str
    number: str = ""             # e.g. "68/2013/TT-BCA"


@dataclass(frozen=True)
class Procedure:
    """One procedure of the national catalogue, parsed from the portal's flattened record."""

    code: str                    # ma_thu_tuc, e.g. "1.001193"
    name: str                    # ten_thu_tuc
    field: str                   # linh_vuc
    levels: tuple[str, ...]      # subset of LEVELS
    agency: str                  # co_quan_thuc_hien (or co_quan_co_tham_quyen when empty)
    applicants: str              # doi_tuong_thuc_hien
    channels: tuple[ChannelTerms, ...]
    documents: tuple[Document, ...]
    steps: tuple[str, ...]       # trinh_tu_thuc_hien split into steps
    conditions: str              # yeu_cau_dieu_kien ("" when none)
    result: str                  # ket_qua_xu_ly, cleaned
    legal_basis: tuple[LegalBasis, ...]
    url: str                     # detail_url
    address: str = ""            # dia_chi_tiep_nhan
    legacy: tuple[str, ...] = ()  # pre-reform phrases found ("cấp huyện", "thị trấn", ...)
    extra: dict[str, str] = dataclasses.field(default_factory=dict, compare=False, hash=False)
