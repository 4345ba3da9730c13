"""The PostgreSQL store: several instances share one database (asyncpg, its built-in pool)."""

from bot.storage.postgres.schema import MIGRATION_LOCK, MigrationError, migrate
from bot.storage.postgres.store import PostgresStore

__all__ = ["MIGRATION_LOCK", "MigrationError", "PostgresStore", "migrate"]
