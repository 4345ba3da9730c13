"""The national procedure catalogue: import, parse, store."""

from bot.catalog.effective import effective_catalog, store_path
from bot.catalog.store import Catalog, CatalogError, load_catalog

__all__ = ["Catalog", "CatalogError", "effective_catalog", "load_catalog", "store_path"]
