"""Database tools: `dvcbot db migrate-to` copies a SQLite installation into PostgreSQL."""
