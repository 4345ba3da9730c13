"""Initial schema: sessions, turns, feedback, referrals, processed updates, kv."""

SQL = """
CREATE TABLE sessions (
    user_key TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    data TEXT NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE turns (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    channel TEXT NOT NULL,
    user_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT,
    normalized TEXT,
    topic TEXT,
    score REAL,
    outcome TEXT NOT NULL,
    facet TEXT,
    flow_id TEXT,
    step_id TEXT,
    referral TEXT,
    latency_ms REAL
);
CREATE INDEX turns_ts ON turns(ts);
CREATE INDEX turns_topic_ts ON turns(topic, ts);
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    channel TEXT NOT NULL,
    user_key TEXT NOT NULL,
    rating INTEGER NOT NULL,
    topic TEXT,
    flow_id TEXT,
    comment TEXT
);
CREATE INDEX feedback_ts ON feedback(ts);
CREATE TABLE referrals (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    channel TEXT NOT NULL,
    user_key TEXT NOT NULL,
    code TEXT NOT NULL,
    team TEXT
);
CREATE INDEX referrals_ts ON referrals(ts);
CREATE TABLE processed_updates (
    channel TEXT NOT NULL,
    update_id TEXT NOT NULL,
    ts REAL NOT NULL,
    PRIMARY KEY (channel, update_id)
);
CREATE TABLE kv (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at REAL NOT NULL
);
"""
