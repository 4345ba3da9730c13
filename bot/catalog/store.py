"""The catalogue store: parsed procedures in one gzipped JSON file, replaced atomically."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gzip
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.catalog.model import ChannelTerms, Document, LegalBasis, Procedure

FORMAT = "dvcbot-catalog"
SCHEMA = 1


class CatalogError(Exception):
    """The store cannot be read: `str()` is `path: problem`."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


@dataclass(frozen=True)
class Catalog:
    """An immutable catalogue snapshot: procedures by code, with where and when it came from."""

    procedures: dict[str, Procedure]
    imported_at: dt.date          # the day of the last import, cited in answers
    source: str                   # the store file it was loaded from
    version: str                  # changes whenever any procedure (or the filter) changes
    hashes: dict[str, str] = field(default_factory=dict)  # code -> raw record fingerprint
    note: str = ""                # e.g. what the data is and when the portal published it
    sources: tuple[str, ...] = ()  # the files of the last import

    def __len__(self) -> int:
        return len(self.procedures)


def catalog_version(hashes: Mapping[str, str]) -> str:
    """A short digest of every (code, fingerprint) pair."""
    digest = hashlib.sha256(f"{FORMAT}/{SCHEMA}".encode())
    for code in sorted(hashes):
        digest.update(f"\n{code}\t{hashes[code]}".encode())
    return digest.hexdigest()[:16]


def empty_catalog(source: str = "") -> Catalog:
    """A catalogue with no procedure (no store and nothing bundled)."""
    return Catalog({}, dt.date.today(), source, catalog_version({}))


def _plain(item: Any) -> dict[str, Any]:
    """A flat dataclass as a dict (dataclasses.asdict deep-copies: 5x slower here)."""
    return {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}


def procedure_to_dict(proc: Procedure) -> dict[str, Any]:
    """Plain JSON-ready data for one procedure."""
    data = _plain(proc)
    data["channels"] = [_plain(c) for c in proc.channels]
    data["documents"] = [_plain(d) for d in proc.documents]
    data["legal_basis"] = [_plain(b) for b in proc.legal_basis]
    data["extra"] = dict(proc.extra)
    return data


def _shared(item: Mapping[str, Any], pool: dict[str, str]) -> dict[str, Any]:
    """Equal texts share one string: a note repeated for three channels, a law cited by
    hundreds of procedures (a third less memory for the sample)."""
    return {k: pool.setdefault(v, v) if isinstance(v, str) else v for k, v in item.items()}


def procedure_from_dict(data: Mapping[str, Any], pool: dict[str, str] | None = None
                        ) -> Procedure:
    """Rebuild a Procedure from `procedure_to_dict` output.

    Args:
        data: one procedure's dict.
        pool: texts already seen in this load, shared instead of duplicated.

    Raises:
        KeyError, TypeError: the data does not describe a procedure.
    """
    pool = {} if pool is None else pool
    values = _shared(data, pool)
    values["levels"] = tuple(pool.setdefault(x, x) for x in values["levels"])
    values["steps"] = tuple(values["steps"])
    values["legacy"] = tuple(values.get("legacy", ()))
    values["channels"] = tuple(ChannelTerms(**_shared(c, pool)) for c in values["channels"])
    values["documents"] = tuple(Document(**_shared(d, pool)) for d in values["documents"])
    values["legal_basis"] = tuple(LegalBasis(**_shared(b, pool))
                                  for b in values["legal_basis"])
    return Procedure(**values)


def load_catalog(path: str | Path) -> Catalog:
    """Read a store file written by `save_catalog`.

    Raises:
        CatalogError: the file is missing, unreadable, or not a catalogue of this schema.
    """
    try:
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            data = json.load(stream)
    except (OSError, EOFError, ValueError) as exc:
        raise CatalogError(path, f"cannot read the catalogue: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CatalogError(path, "not a dvcbot catalogue file")
    if data.get("schema") != SCHEMA:
        raise CatalogError(path, f"catalogue schema {data.get('schema')!r}, expected "
                           f"{SCHEMA}: import the source files again")
    try:
        pool: dict[str, str] = {}
        procedures = {p["code"]: procedure_from_dict(p, pool) for p in data["procedures"]}
        hashes = dict(data["hashes"])
        imported = dt.date.fromisoformat(data["imported_at"])
    except (KeyError, TypeError, ValueError) as exc:
        raise CatalogError(path, f"damaged catalogue: {exc!r}") from exc
    return Catalog(procedures, imported, str(path), catalog_version(hashes), hashes,
                   str(data.get("note", "")), tuple(data.get("sources", ())))


def save_catalog(path: str | Path, procedures: Mapping[str, Procedure],
                 hashes: Mapping[str, str], imported_at: dt.date, note: str = "",
                 sources: tuple[str, ...] = ()) -> Catalog:
    """Write the store beside its final place, then swap it in with one rename.

    An interrupted write leaves the previous file untouched.

    Returns:
        The catalogue as it will load from `path`.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = {"format": FORMAT, "schema": SCHEMA, "imported_at": imported_at.isoformat(),
            "note": note, "sources": list(sources), "hashes": dict(sorted(hashes.items())),
            "procedures": [procedure_to_dict(procedures[c]) for c in sorted(procedures)]}
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as raw, \
                gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                              compresslevel=6) as stream:
            stream.write(json.dumps(data, ensure_ascii=False, separators=(",", ":"))
                         .encode("utf-8"))
        with open(tmp, "rb") as done:
            os.fsync(done.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the store is not secret
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Catalog(dict(procedures), imported_at, str(target), catalog_version(hashes),
                   dict(hashes), note, sources)
