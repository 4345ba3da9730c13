"""Read an offices file (YAML or CSV); every problem is reported as `FILE:line: problem`."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from bot.offices.hours import HoursError, parse_hours
from bot.offices.model import Directory, Office, name_key
from bot.yamlio import LineDict, LineList, YamlError, load_text

OFFICE_KEYS = ("name", "office", "address", "phone", "hours", "map", "old_units")
TOP_KEYS = ("province", "example", "source", "default_hours", "centre", "hotlines", "offices")
CSV_HEADER = list(OFFICE_KEYS)


class OfficesError(Exception):
    """The offices file has problems; `errors` lists them all."""

    def __init__(self, errors: list[YamlError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def load_offices(path: str | Path, province: str = "") -> Directory:
    """Parse and validate a YAML or CSV offices file.

    Args:
        path: the file; `.csv` is read as CSV (header: name,office,address,phone,hours,map,
            old_units with old units separated by ";"), anything else as YAML.
        province: the province name for a CSV file (YAML files name it themselves).

    Raises:
        OfficesError: every problem, each as `FILE:line: problem`.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise OfficesError([YamlError(path, 0, f"cannot read the file: {exc}")]) from None
    if path.suffix.lower() == ".csv":
        return _from_csv(text, str(path), province or path.stem)
    try:
        data = load_text(text, path)
    except YamlError as exc:
        raise OfficesError([exc]) from None
    return _from_yaml(data, str(path))


def _from_yaml(data: Any, path: str) -> Directory:
    errs: list[YamlError] = []
    if not isinstance(data, LineDict):
        raise OfficesError([YamlError(path, 1, "expected a mapping with 'province' and "
                                                "'offices'")])
    for key in data:
        if key not in TOP_KEYS:
            errs.append(YamlError(path, data.line_of(key), f"unknown key {key!r}"))
    if not isinstance(data.get("province"), str) or not data["province"].strip():
        errs.append(YamlError(path, data.line, "missing required field 'province'"))
    default = str(data.get("default_hours") or "")
    _check_hours(default, path, data.line_of("default_hours"), errs)
    items = data.get("offices")
    if not isinstance(items, LineList) or not items:
        errs.append(YamlError(path, data.line_of("offices"), "'offices': expected a list"))
        items = LineList()
    offices = [_office(node, path, items.line_of(i), errs, default) for i, node in
               enumerate(items)]
    centre = _office(data["centre"], path, data.line_of("centre"), errs, default) \
        if data.get("centre") else None
    hotlines = _hotlines(data.get("hotlines"), path, data.line_of("hotlines"), errs)
    return _finish(errs, path, Directory(
        str(data.get("province") or "").strip(), tuple(o for o in offices if o),
        bool(data.get("example")), centre, hotlines, default, str(data.get("source") or "")))


def _office(node: Any, path: str, line: int, errs: list[YamlError],
            default: str) -> Office | None:
    if not isinstance(node, LineDict):
        errs.append(YamlError(path, line, "office: expected a mapping"))
        return None
    for key in node:
        if key not in OFFICE_KEYS:
            errs.append(YamlError(path, node.line_of(key), f"office: unknown key {key!r}"))
    name = node.get("name")
    if not isinstance(name, str) or not name_key(name):
        errs.append(YamlError(path, node.line, "office: missing required field 'name'"))
        return None
    olds = node.get("old_units") or []
    if not isinstance(olds, list) or not all(isinstance(x, str) for x in olds):
        errs.append(YamlError(path, node.line_of("old_units"),
                              f"{name}: old_units: expected a list of names"))
        olds = []
    fields = {k: "" if node.get(k) is None else str(node[k]).strip()
              for k in ("office", "address", "phone", "hours", "map")}
    _check_hours(fields["hours"], path, node.line_of("hours"), errs, name)
    if fields["map"] and not fields["map"].startswith("https://"):
        errs.append(YamlError(path, node.line_of("map"), f"{name}: map: expected https://"))
    if not fields["hours"] and not default:
        errs.append(YamlError(path, node.line, f"{name}: no hours and no default_hours"))
    return Office(name.strip(), **fields, old_units=tuple(olds), line=node.line)


def _check_hours(text: str, path: str, line: int, errs: list[YamlError],
                 who: str = "default_hours") -> None:
    if not text:
        return
    try:
        parse_hours(text)
    except HoursError as exc:
        errs.append(YamlError(path, line, f"{who}: hours: {exc}"))


def _hotlines(node: Any, path: str, line: int,
              errs: list[YamlError]) -> tuple[tuple[str, str], ...]:
    if node is None:
        return ()
    if not isinstance(node, LineList) or not all(
            isinstance(x, LineDict) and x.get("name") and x.get("phone") for x in node):
        errs.append(YamlError(path, line, "hotlines: expected a list of {name, phone}"))
        return ()
    return tuple((str(x["name"]), str(x["phone"])) for x in node)


def _from_csv(text: str, path: str, province: str) -> Directory:
    reader = csv.DictReader(io.StringIO(text))
    errs: list[YamlError] = []
    missing = [c for c in ("name", "hours") if c not in (reader.fieldnames or [])]
    if missing:
        raise OfficesError([YamlError(path, 1, f"header: missing column(s) {missing}; "
                                               f"expected {','.join(CSV_HEADER)}")])
    offices = []
    for row in reader:
        line = reader.line_num
        node = LineDict({k: v for k, v in row.items() if k in OFFICE_KEYS and v})
        node.line = line
        node.key_lines = {}
        if row.get("old_units"):
            node["old_units"] = [x.strip() for x in row["old_units"].split(";") if x.strip()]
        extra = [k for k in row if k not in OFFICE_KEYS]
        if extra:
            errs.append(YamlError(path, line, f"unknown column(s) {extra}"))
        offices.append(_office(node, path, line, errs, ""))
    return _finish(errs, path, Directory(province, tuple(o for o in offices if o)))


def _finish(errs: list[YamlError], path: str, directory: Directory) -> Directory:
    seen: dict[str, int] = {}
    for office in directory.offices:
        key = name_key(office.name)
        if key in seen:
            errs.append(YamlError(path, office.line, f"duplicate commune {office.name!r} "
                                                     f"(first at line {seen[key]})"))
        seen.setdefault(key, office.line)
    if errs:
        raise OfficesError(errs)
    return directory
