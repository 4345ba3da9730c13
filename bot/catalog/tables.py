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
_MAX_FORM_WORDS = 10
# A legal document number: 68/2013/TT-BCA, 02/2011/QH13, 05/2012/NĐ-CP, 1068/QĐ-TTg.
_LAW_NUMBER = re.compile(r"(\d+)/(?:(\d{4})/)?([A-ZĐ]*QH\d{2}|[A-ZĐ]+(?:-(?:TTg|[A-ZĐ]+))*)"
                         r"(?![a-zà-ỹ])")
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
    """Split a name cell glued to its form file name ('Tờ khai...Mus08.docx')."""
    name, form = cell.strip(), ""
    if _FORM_FILE.search(name):
        cut = max(name.rfind(c) for c in ";:)")
        dot = _sentence_end(name)
        cut = max(cut, dot)
        candidate = name[cut + 1:].strip()
        if candidate and len(candidate.split()) <= _MAX_FORM_WORDS:
            name, form = name[:cut + 1].strip(), candidate
    return Document(name=name.strip(" ;"), form=form, copies=copies.replace(" ,", ","),
                    group=group)


def _sentence_end(text: str) -> int:
    """Index of the last '.' that ends a sentence (followed by a non-space), not the file's."""
    ext = _FORM_FILE.search(text)
    limit = ext.start() if ext else len(text)
    best = -1
    for match in re.finditer(r"\.(?=\S)", text[:limit]):
        before = text[match.start() - 1] if match.start() else ""
        if before.isalpha() or before == ")":
            best = match.start()
    return best


def parse_legal_basis(text: str) -> tuple[LegalBasis, ...]:
    """Legal documents as (title, number) pairs from the flattened two-column table."""
    body = clean(text)
    if body.startswith(LAW_HEADER):
        body = body[len(LAW_HEADER):]
    if not body:
        return ()
    items: list[LegalBasis] = []
    start = 0
    for match in _LAW_NUMBER.finditer(body):
        after = body[match.end():match.end() + 1]
        if after and after in " ,;:)(-–" and match.end() < len(body):
            continue  # a number quoted inside a title ("Nghị định số 92/2018/NĐ-CP ngày...")
        if body.startswith(match.group(0), match.end()):
            continue  # the title quotes the number the next cell gives
        title, number = _split_cell(body[start:match.start()], match, body)
        items.append(LegalBasis(title=title, number=number))
        start = match.end()
    rest = body[start:].strip()
    if rest:
        items.append(LegalBasis(title=rest))
    return tuple(i for i in items if i.title or i.number)


def _split_cell(title: str, match: re.Match[str], body: str) -> tuple[str, str]:
    """The row's title and its number; a year glued to the number ('năm 201102/2011')."""
    number = match.group(0)
    digits = match.group(1)
    if len(digits) > 4 and digits[:2] in ("19", "20"):
        title, number = title + digits[:4], number[4:]
    glue = list(_GLUE.finditer(title))
    if glue and re.search(r"(Nghị định|Thông tư|Luật|Quyết định|Nghị quyết)( số)?\s*$",
                          title[glue[-1].start() + 1:]):
        cut = glue[-1].start() + 1  # "...Chính phủNghị định số" + "92/2018/NĐ-CP"
        title, number = title[:cut], title[cut:] + number
    return title.strip(), number.strip()


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
