"""Choose the store from the configuration: PostgreSQL when a URL is given, else SQLite."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlsplit

from bot.config import Config, Secrets
from bot.privacy.logfilter import add_secret
from bot.storage.base import Store
from bot.storage.dburl import safe_url
from bot.storage.sqlite import SQLiteStore


def database_url(config: Config, secrets: Secrets | None = None) -> str:
    """DVCBOT_DATABASE_URL when set (it may carry the password), else `storage.url`, else ""."""
    secrets = secrets or Secrets.from_env()
    return secrets.database_url or config.storage.url


def mask_password(url: str) -> None:
    """Mask the database password in every later log line, wherever it came from."""
    parts = urlsplit(url)
    add_secret(parts.password)
    for value in parse_qs(parts.query).get("password", []):
        add_secret(value)
    add_secret(os.environ.get("PGPASSWORD"))


def open_store(config: Config, secrets: Secrets | None = None) -> Store:
    """The configured store, not yet opened: PostgresStore or SQLiteStore.

    Args:
        config: `storage.url` (PostgreSQL) or `storage.path` (SQLite).
        secrets: DVCBOT_DATABASE_URL overrides `storage.url`.

    Returns:
        A store; call `await store.open()`.
    """
    url = database_url(config, secrets)
    if url:
        from bot.storage.postgres import PostgresStore  # asyncpg only when PostgreSQL is used

        mask_password(url)
        return PostgresStore(url)
    return SQLiteStore(config.storage.path)


def describe(store: Store) -> str:
    """Where the store keeps its data, safe to print."""
    url = getattr(store, "url", None)
    return safe_url(url) if url else str(getattr(store, "path", type(store).__name__))
