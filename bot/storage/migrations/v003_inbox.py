"""Durable inbox: channel events written before they are confirmed, deleted once handled."""

SQL = """
CREATE TABLE inbox (
    channel TEXT NOT NULL,
    update_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    received_at REAL NOT NULL,
    PRIMARY KEY (channel, update_id)
);
CREATE INDEX inbox_received ON inbox(channel, received_at);
"""
