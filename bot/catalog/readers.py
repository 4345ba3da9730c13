"""Read raw catalogue records from JSON Lines, a JSON array or CSV, each optionally gzipped."""

from __future__ import annotations

import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

csv.field_size_limit(1 << 26)  # raw_text holds whole pages


@dataclass(frozen=True)
class Row:
    """One record as read, or the reason it could not be read."""

    file: str
    line: int
    record: object = None
    problem: str = ""


def read_text(path: str | Path) -> str:
    """The file's text, gunzipped when it is gzip (by content, not by name).

    Raises:
        OSError: the file cannot be opened.
        ValueError: not UTF-8, or a damaged/truncated gzip stream.
    """
    data = Path(path).read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (EOFError, OSError, zlib.error) as exc:
            data = _salvage_gzip(data, exc)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (byte {exc.start})") from exc


def _salvage_gzip(data: bytes, exc: Exception) -> bytes:
    """What a truncated gzip still holds (its last line will read as broken)."""
    reader = zlib.decompressobj(wbits=31)
    try:
        out = reader.decompress(data)
    except zlib.error:
        raise ValueError(f"damaged gzip file: {exc}") from exc
    return out


def read_rows(path: str | Path) -> Iterator[Row]:
    """Every record of one file, with its line number; unreadable parts as problems."""
    name = str(path)
    try:
        text = read_text(path)
    except (OSError, ValueError) as exc:
        yield Row(name, 0, problem=f"cannot read: {getattr(exc, 'strerror', None) or exc}")
        return
    inner = name[:-3] if name.lower().endswith(".gz") else name
    if inner.lower().endswith(".csv"):
        yield from _csv_rows(name, text)
    elif text.lstrip()[:1] == "[":
        yield from _array_rows(name, text)
    else:
        yield from _jsonl_rows(name, text)


def _jsonl_rows(name: str, text: str) -> Iterator[Row]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield Row(name, number, json.loads(line))
        except ValueError as exc:
            yield Row(name, number, problem=f"unreadable JSON: {_json_problem(exc)}")


def _json_problem(exc: ValueError) -> str:
    return exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)


def _array_rows(name: str, text: str) -> Iterator[Row]:
    """Elements of a JSON array, each with the line it starts on."""
    decoder = json.JSONDecoder()
    pos = text.index("[") + 1
    line, counted = 1, 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        line += text.count("\n", counted, pos)
        counted = pos
        if pos >= len(text):
            yield Row(name, line, problem="unreadable JSON: the array is not closed")
            return
        if text[pos] == "]":
            return
        try:
            record, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield Row(name, text.count("\n", 0, exc.pos) + 1,
                      problem=f"unreadable JSON: {exc.msg}; the rest of the file is skipped")
            return
        yield Row(name, line, record)
        pos = end


def _csv_rows(name: str, text: str) -> Iterator[Row]:
    """CSV rows with the portal's column names in the header line (',' or ';' separated)."""
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    if "ma_thu_tuc" not in (reader.fieldnames or ()):
        yield Row(name, 1, problem="no ma_thu_tuc column in the header line")
        return
    start = 2
    try:
        for record in reader:
            extra = record.pop(None, None)
            if extra:
                yield Row(name, start, problem=f"{len(extra)} more cells than the header names")
            else:
                yield Row(name, start, {k: v for k, v in record.items() if k is not None})
            start = reader.line_num + 1
    except csv.Error as exc:
        yield Row(name, start, problem=f"unreadable CSV: {exc}")
