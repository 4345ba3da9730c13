"""Durable inbox and outbox: events stored before they are confirmed, replies until sent."""

SQL = """
CREATE TABLE inbox (
    channel TEXT NOT NULL,
    update_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    received_at REAL NOT NULL,
    PRIMARY KEY (channel, update_id)
);
CREATE INDEX inbox_received ON inbox(channel, received_at);
CREATE TABLE outbox (
    channel TEXT NOT NULL,
    update_id TEXT NOT NULL,
    replies TEXT NOT NULL,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (channel, update_id)
);
CREATE INDEX outbox_created ON outbox(created_at);
"""

# PostgreSQL has no rowid: `seq` keeps arrival order among events received in the same instant.
PG_SQL = """
CREATE TABLE inbox (
    channel TEXT COLLATE "C" NOT NULL,
    update_id TEXT COLLATE "C" NOT NULL,
    payload TEXT NOT NULL,
    received_at DOUBLE PRECISION NOT NULL,
    seq BIGINT GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (channel, update_id)
);
CREATE INDEX inbox_received ON inbox(channel, received_at, seq);
CREATE TABLE outbox (
    channel TEXT COLLATE "C" NOT NULL,
    update_id TEXT COLLATE "C" NOT NULL,
    replies TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (channel, update_id)
);
CREATE INDEX outbox_created ON outbox(created_at);
"""
