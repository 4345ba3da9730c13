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
