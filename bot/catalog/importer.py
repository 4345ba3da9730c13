"""Import raw records into the store: idempotent by code, bad rows reported and skipped."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.catalog.model import Procedure
from bot.catalog.parser import RecordError, check_record, content_hash, parse_record
from bot.catalog.readers import read_rows
from bot.catalog.store import Catalog, CatalogError, load_catalog, save_catalog

log = logging.getLogger(__name__)


@dataclass
class ImportReport:
    """What an import did; `problems` are `FILE:line: problem` strings."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    catalog: Catalog | None = None

    def summary(self, replace: bool) -> str:
        """'added 3, changed 1, unchanged 2638[, removed 0]'."""
        parts = [f"added {len(self.added)}", f"changed {len(self.changed)}",
                 f"unchanged {len(self.unchanged)}"]
        if replace:
            parts.append(f"removed {len(self.removed)}")
        return ", ".join(parts)


@dataclass
class _Incoming:
    procedures: dict[str, Procedure] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)
    bad_codes: set[str] = field(default_factory=set)


def _read_all(files: Iterable[str | Path], report: ImportReport) -> _Incoming:
    """Parse every good row; record a problem for each bad one."""
    incoming = _Incoming()
    for path in files:
        for row in read_rows(path):
            at = f"{row.file}:{row.line}" if row.line else row.file
            if row.problem:
                report.problems.append(f"{at}: {row.problem}")
                continue
            code = _code_of(row.record)
            try:
                checked = check_record(row.record)
                digest = content_hash(checked)
                if code in incoming.hashes and incoming.hashes[code] != digest:
                    raise RecordError(f"duplicate ma_thu_tuc {code} with different content "
                                      f"(first at {incoming.where[code]})")
                if code in incoming.hashes:
                    continue  # the same record twice: harmless
                procedure = parse_record(checked)
            except RecordError as exc:
                report.problems.append(f"{at}: {exc}")
                if code:
                    incoming.bad_codes.add(code)
                continue
            incoming.procedures[code] = procedure
            incoming.hashes[code] = digest
            incoming.where[code] = at
    return incoming


def _code_of(record: object) -> str:
    code = record.get("ma_thu_tuc") if isinstance(record, dict) else None
    return code.strip() if isinstance(code, str) else ""


def previous_catalog(store: Path) -> Catalog | None:
    """The store's current content, or None when there is none yet.

    Raises:
        CatalogError: the store exists but cannot be read (it is never overwritten blindly).
    """
    if not store.exists():
        return None
    return load_catalog(store)


@contextlib.contextmanager
def _import_lock(store: Path) -> Iterator[None]:
    """One import at a time per store: a second one would silently undo the first."""
    store.parent.mkdir(parents=True, exist_ok=True)
    with open(store.with_name(store.name + ".lock"), "a+b") as lock:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise CatalogError(store, "another import into this catalogue is running") from exc
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def _merge(before: Catalog | None, incoming: _Incoming, replace: bool,
           report: ImportReport) -> tuple[dict[str, Procedure], dict[str, str]]:
    """The new content of the store; fills added/changed/unchanged/removed in `report`."""
    old_procs = before.procedures if before else {}
    old_hashes = before.hashes if before else {}
    procedures = {} if replace else dict(old_procs)
    hashes = {} if replace else dict(old_hashes)
    for code, proc in incoming.procedures.items():
        digest = incoming.hashes[code]
        if code not in old_hashes:
            report.added.append(code)
        elif old_hashes[code] != digest:
            report.changed.append(code)
        else:
            report.unchanged.append(code)
        procedures[code], hashes[code] = proc, digest
    if replace:
        for code in sorted(set(old_procs) - set(incoming.procedures)):
            if code in incoming.bad_codes:  # a bad row is not a withdrawal: keep what we had
                procedures[code], hashes[code] = old_procs[code], old_hashes[code]
            else:
                report.removed.append(code)
    return procedures, hashes


def import_files(files: Iterable[str | Path], store: Path, *, replace: bool = False,
                 today: dt.date | None = None, note: str | None = None,
                 dry_run: bool = False) -> ImportReport:
    """Import `files` into the store at `store`, written aside and swapped in at the end.

    Args:
        files: JSON Lines, JSON array or CSV files (optionally gzipped).
        store: the catalogue store file.
        replace: drop procedures absent from `files` (not those whose row was bad).
        today: the import date recorded in the store (default: today).
        note: what the data is (kept from the previous import when None).
        dry_run: report what would change, write nothing.

    Returns:
        The report; the store is unchanged when no row was good.

    Raises:
        CatalogError: the existing store cannot be read, or another import is running.
    """
    report = ImportReport()
    files = list(files)
    with _import_lock(store):
        before = previous_catalog(store)
        incoming = _read_all(files, report)
        procedures, hashes = _merge(before, incoming, replace, report)
        if dry_run or (not incoming.procedures and not report.removed):
            report.catalog = before
            return report
        kept_note = note if note is not None else (before.note if before else "")
        report.catalog = save_catalog(store, procedures, hashes, today or dt.date.today(),
                                      kept_note, tuple(Path(f).name for f in files))
    log.debug("catalogue import: %s", report.summary(replace))
    return report


__all__ = ["CatalogError", "ImportReport", "import_files"]
