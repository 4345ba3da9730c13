"""Several instances on one database: leases, and claims on inbox and outbox rows."""

# A claim names the instance working on a row and until when; a live instance renews its
# claims every few seconds, so the rows of one that died are taken over once they expire.
SQL = """
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at REAL NOT NULL
);
ALTER TABLE inbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE inbox ADD COLUMN claimed_until REAL NOT NULL DEFAULT 0;
ALTER TABLE inbox ADD COLUMN order_key TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN claimed_until REAL NOT NULL DEFAULT 0;
CREATE INDEX inbox_claimed ON inbox(claimed_by);
CREATE INDEX inbox_order ON inbox(channel, order_key, received_at);
CREATE INDEX outbox_claimed ON outbox(claimed_by);
"""

PG_SQL = """
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL
);
ALTER TABLE inbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE inbox ADD COLUMN claimed_until DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE inbox ADD COLUMN order_key TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN claimed_until DOUBLE PRECISION NOT NULL DEFAULT 0;
CREATE INDEX inbox_claimed ON inbox(claimed_by);
CREATE INDEX inbox_order ON inbox(channel, order_key, received_at, seq);
CREATE INDEX outbox_claimed ON outbox(claimed_by);
"""
