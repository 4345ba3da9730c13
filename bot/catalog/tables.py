"""Parse the portal's flattened documents and legal-basis tables, steps and results."""

from __future__ import annotations

import re

from bot.catalog.model import Document, LegalBasis

NO_INFO = "Không có thông tin"
DOC_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
LAW_HEADER = "Tên văn bản pháp lýMã văn bản"
# The copies cell ends every document row: "1 bản chính", "0 bản chính,1 bản sao". The
# number is one digit (or 0N): "năm 20251 bản chính" is "năm 2025" + "1 bản chính".
_COPIES = re.compile(r"(?:0\d|\d)\s*bản chính(?:\s*,\s*(?:0\d|\d)\s*bản sao)?"
                     r"|(?:0\d|\d)\s*bản sao")
_FORM_FILE = re.compile(r"\.(?:docx?|pdf|xlsx?|rar|zip|odt|rtf)$", re.IGNORECASE)
_MAX_FORM_WORDS = 24
# Where a name cell ends and the form cell begins: punctuation glued to the next word
# ("Bộ Công an.NA5.doc", "...BCA)TK de nghi.doc"), else a lower/upper case seam ("vốnMẫu").
_CELL_STOP = re.compile(r"[;:](?=\S)|(?<=[^\W\d_])\.(?=[^\s.])|(?<=\))[.;:]?(?=[^\s.,;)])")
_ANY_FORM_FILE = re.compile(r"\.(?:docx?|pdf|xlsx?|rar|zip|odt|rtf|DOCX?|PDF)(?![a-z])")
_BULLET = re.compile(r"^[\s\-+*•–]+")
# A legal document number: 68/2013/TT-BCA, 02/2011/QH13, 05/2012/NĐ-CP, 1068/QĐ-TTg.
_LAW_NUMBER = re.compile(r"(\d+)/(?:(\d{4})/)?[A-ZĐ]+(?:-(?:TTg|[A-ZĐ]+))*(?:(?<=QH)\d{2})?")
_VOWELS = "aeiouyàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
_SYLLABLE_START = re.compile(
    rf"(?:Ngh|Ch|Gh|Gi|Kh|Ng|Nh|Ph|Qu|Th|Tr|[BCDĐGHKLMNPQRSTVX])[{_VOWELS}]+", re.IGNORECASE)
_ASCII_CAPS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZĐ")
_PAGE_LABEL = "Cơ quan thực hiện"
_GLUE = re.compile(r"[a-zà-ỹ.;)][A-ZĐÀ-Ỹ](?=[a-zà-ỹ])")
_STEP = re.compile(r"(?=Bước\s*\d+\s*[:.\-)])", re.IGNORECASE)
_RESULT_CODE = re.compile(r"Mã:\s*[A-Z0-9][A-Z0-9.\-]*\d(?!\d)")


def clean(text: str) -> str:
    """Trim; the portal's 'Không có thông tin' (no information) becomes ''."""
    text = (text or "").strip()
    return "" if text in (NO_INFO, "-", "--") else text


def parse_documents(text: str) -> tuple[Document, ...]:
    """Documents of the dossier, each with its form file and copies, grouped by case.

    Args:
        text: the record's `thanh_phan_ho_so`.

    Returns:
        The documents in order; empty when the table has no row.
    """
    if DOC_HEADER not in text:
        return ()
    parts = text.split(DOC_HEADER)
    group = _group_label(parts[0])
    documents: list[Document] = []
    for i, part in enumerate(parts[1:], start=1):
        last = i == len(parts) - 1
        start = 0
        for match in _COPIES.finditer(part):
            documents.append(_document(part[start:match.start()], match.group(0), group))
            start = match.end()
        tail = part[start:]
        if last and tail.strip():
            documents.append(_document(tail, "", group))
        elif not last:
            group = _group_label(tail)
    return tuple(d for d in documents if d.name)


def _group_label(text: str) -> str:
    label = text.strip().strip("-").strip()
    return label.rstrip(":").strip()


def _document(cell: str, copies: str, group: str) -> Document:
    """Split a name cell glued to its form file name ('...Bộ Công an.NA5 (1).doc')."""
    name, form = cell.strip(), ""
    if _FORM_FILE.search(name):
        cut = _form_start(name)
        if cut is not None:
            name, form = name[:cut], name[cut:].strip()
    name = _BULLET.sub("", name).strip(" ;")
    return Document(name=name, form=form, copies=copies.replace(" ,", ","), group=group)


def _form_start(text: str) -> int | None:
    """Where the glued form file name begins, or None when it cannot be told."""
    ext = _ANY_FORM_FILE.search(text)
    stem_end = ext.start() if ext else len(text)

    def usable(start: int) -> bool:
        rest = text[start:stem_end]
        return any(c.isalpha() for c in rest) and len(rest.split()) <= _MAX_FORM_WORDS

    stops = [m.end() for m in _CELL_STOP.finditer(text, 0, stem_end) if usable(m.end())]
    if stops:
        return stops[-1]
    seams = [i for i in range(1, stem_end) if _is_seam(text, i) and usable(i)]
    return seams[0] if seams else None


def _is_seam(text: str, i: int) -> bool:
    """A cell boundary without punctuation: 'vốnMẫu', 'TT-BNNMTMẫu số 07.docx'."""
    if not text[i].isupper():
        return False
    if text[i - 1].islower():
        return True
    return text[i - 1].isupper() and text[i + 1:i + 2].islower() and text[i - 2:i - 1].isupper()


def parse_legal_basis(text: str) -> tuple[LegalBasis, ...]:
    """Legal documents as (title, number) pairs from the flattened two-column table."""
    body = clean(text)
    if body.startswith(LAW_HEADER):
        body = body[len(LAW_HEADER):]
    body = body.split(_PAGE_LABEL)[0].strip()  # the page's next section, glued on
    if not body:
        return ()
    items: list[LegalBasis] = []
    start = 0
    spans = _law_numbers(body)
    for i, (begin, end) in enumerate(spans):
        number = body[begin:end]
        if i + 1 < len(spans) and spans[i + 1][0] == end:
            continue  # "...bởi Nghị định số 232/2025/NĐ-CP" + the row's own number
        after = body[end:end + 1]
        if after and (after in " ,;:)(–" or (body[end:end + 2] == "-" + body[end + 1:end + 2]
                      and body[end + 1:end + 2] not in (" ", ""))):
            continue  # a number quoted inside a title ("Nghị định số 92/2018/NĐ-CP ngày...")
        title, number = _split_cell(body[start:begin], number)
        items.append(LegalBasis(title=title, number=number))
        start = end
    rest = body[start:].strip()
    if rest:
        items.append(LegalBasis(title=rest))
    return tuple(i for i in items if i.title or i.number)


def _law_numbers(body: str) -> list[tuple[int, int]]:
    """(start, end) of each document number, giving back to the next title the letters that
    begin its first word: 'TT-BCALuật', 'NĐ-CPTHÔNG TƯ'; 'TT-NHNNsố' keeps its last N."""
    spans = []
    for match in _LAW_NUMBER.finditer(body):
        end = match.end()
        nxt = body[end:end + 1]
        after = body[end + 1:end + 2]
        if nxt.isalpha() and (nxt.islower() or (nxt not in _ASCII_CAPS and not after.islower())):
            for back in (3, 2, 1):
                tail = body[end - back:end]
                head = _SYLLABLE_START.match(tail + body[end:end + 3])
                if tail.isalpha() and body[end - back - 1].isalpha() and head \
                        and head.end() > back:
                    end -= back
                    break
        spans.append((match.start(), end))
    return spans


def _split_cell(title: str, number: str) -> tuple[str, str]:
    """The row's title and its number; a year glued to the number ('năm 201102/2011')."""
    digits = number.split("/")[0]
    if len(digits) > 4 and digits[:2] in ("19", "20"):
        title, number = title + digits[:4], number[4:]
    glue = list(_GLUE.finditer(title))
    if glue and re.search(r"(Nghị định|Thông tư|Luật|Quyết định|Nghị quyết)( số)?\s*$",
                          title[glue[-1].start() + 1:]):
        cut = glue[-1].start() + 1  # "...Chính phủNghị định số" + "92/2018/NĐ-CP"
        title, number = title[:cut], title[cut:] + number
    return _BULLET.sub("", title).strip(), number.strip()


def parse_steps(text: str) -> tuple[str, ...]:
    """Steps split at 'Bước N:'; else the non-empty paragraphs."""
    body = clean(text)
    if not body:
        return ()
    parts = [p.strip() for p in _STEP.split(body)]
    if len([p for p in parts if re.match(r"Bước\s*\d", p, re.IGNORECASE)]) >= 2:
        return tuple(p for p in parts if p)
    return tuple(p.strip() for p in re.split(r"\n\s*\n|\n", body) if p.strip())


def parse_result(text: str) -> tuple[str, ...]:
    """The result documents, without their internal codes and the page's trailing widgets."""
    body = (text or "").split("Từ khóa")[0]
    names = [clean(n).strip(" ;.") for n in _RESULT_CODE.split(body)]
    return tuple(n for n in names if n)
