"""Which catalogue the bot uses: the imported store, else the bundled one, then filtered."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import threading
from collections.abc import Iterable
from pathlib import Path

from bot.catalog.store import Catalog, CatalogError, empty_catalog, load_catalog
from bot.config import Config
from bot.language.normalize import fold_phrase

log = logging.getLogger(__name__)
BUNDLED_NAME = "national/tthc.json.gz"
STORE_SUFFIX = ".catalog.json.gz"
_LEVEL_ALIASES = {"bo": "bo", "cap bo": "bo", "tinh": "tinh", "cap tinh": "tinh", "xa": "xa",
                  "cap xa": "xa", "khac": "khac", "co quan khac": "khac"}
_cache: dict[tuple[str, int, int], Catalog] = {}
_cache_lock = threading.Lock()


def bundled_path() -> Path:
    """The catalogue shipped with the code, built from the national portal sample."""
    return Path(Config().knowledge_dir) / BUNDLED_NAME


def store_path(config: Config) -> Path | None:
    """`catalog.path`, else a file beside the database; None for an in-memory database."""
    if config.catalog.path:
        return Path(config.catalog.path)
    db = config.storage.path
    if db == ":memory:":
        return None
    db_path = Path(db)
    return db_path.with_name(db_path.stem + STORE_SUFFIX)


def level_key(name: str) -> str | None:
    """'tỉnh', 'Cấp tỉnh', 'tinh' → 'tinh'; None when it names no level."""
    return _LEVEL_ALIASES.get(fold_phrase(name))


def _load_cached(path: Path) -> Catalog:
    """Load a store once per (path, mtime, size): every brain rebuild reuses it."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        found = _cache.get(key)
    if found is None:
        found = load_catalog(path)
        with _cache_lock:
            while len(_cache) >= 4:  # a store, the bundled file, and a replaced version or two
                del _cache[next(iter(_cache))]
            _cache[key] = found
    return found


def load_unfiltered(config: Config) -> Catalog:
    """The imported store when it holds procedures, else the bundled catalogue.

    Raises:
        CatalogError: the store (or the bundled file) exists but cannot be read.
    """
    store = store_path(config)
    if store is not None and store.exists():
        catalog = _load_cached(store)
        if catalog.procedures:
            return catalog
    bundled = bundled_path()
    if bundled.exists():
        return _load_cached(bundled)
    log.warning("no catalogue: %s is missing and nothing was imported", bundled)
    return empty_catalog(str(bundled))


def filter_catalog(catalog: Catalog, levels: Iterable[str], fields: Iterable[str]) -> Catalog:
    """Keep procedures carried out at any of `levels` and in any of `fields` (empty: all)."""
    wanted_levels = {level_key(x) or x for x in levels}
    wanted_fields = {fold_phrase(x) for x in fields}
    if not wanted_levels and not wanted_fields:
        return catalog
    kept = {code: proc for code, proc in catalog.procedures.items()
            if (not wanted_levels or wanted_levels.intersection(proc.levels))
            and (not wanted_fields or fold_phrase(proc.field) in wanted_fields)}
    tag = "|".join(sorted(wanted_levels)) + "#" + "|".join(sorted(wanted_fields))
    version = hashlib.sha256(f"{catalog.version}/{tag}".encode()).hexdigest()[:16]
    return dataclasses.replace(catalog, procedures=kept, version=version,
                               hashes={c: catalog.hashes[c] for c in kept
                                       if c in catalog.hashes})


def effective_catalog(config: Config) -> Catalog:
    """The catalogue the bot answers from: store or bundled, filtered by catalog.levels/fields.

    Raises:
        CatalogError: the store exists but cannot be read.
    """
    return filter_catalog(load_unfiltered(config), config.catalog.levels, config.catalog.fields)


def catalog_stamp(config: Config) -> tuple[tuple[str, float], ...]:
    """Modification times of the store and the bundled file, for the hot reload."""
    stamps = []
    for path in (store_path(config), bundled_path()):
        if path is None:
            continue
        try:
            stat = os.stat(path)
            stamps.append((f"{path}#{stat.st_size}", float(stat.st_mtime_ns)))
        except OSError:
            stamps.append((str(path), 0.0))
    return tuple(stamps)


__all__ = ["Catalog", "CatalogError", "catalog_stamp", "effective_catalog", "store_path"]
