"""Staff console: accounts, audit log, teams, inbox decisions and daily aggregates of the log."""

# The daily aggregates are kept by triggers, so they change in the same transaction as the
# turn (or purge) that changes the log, whatever code path writes it. Rows whose count falls
# to zero are deleted, so purged wordings do not outlive retention in the aggregates.
SQL = """
CREATE TABLE staff_accounts (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    team TEXT,
    pw_hash TEXT NOT NULL,
    created_at REAL NOT NULL,
    failed INTEGER NOT NULL DEFAULT 0,
    locked_until REAL NOT NULL DEFAULT 0
);
CREATE TABLE staff_audit (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX staff_audit_ts ON staff_audit(ts);
CREATE TABLE staff_teams (
    code TEXT PRIMARY KEY,
    topic TEXT,
    note TEXT,
    created_at REAL NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE staff_decisions (
    wording TEXT PRIMARY KEY,
    decision TEXT NOT NULL,
    topic TEXT,
    ts REAL NOT NULL,
    actor TEXT NOT NULL
);
CREATE TABLE daily_turns (
    day INTEGER NOT NULL,
    channel TEXT NOT NULL,
    team TEXT NOT NULL,
    outcome TEXT NOT NULL,
    topic TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (day, channel, team, outcome, topic)
) WITHOUT ROWID;
CREATE TABLE daily_misses (
    day INTEGER NOT NULL,
    channel TEXT NOT NULL,
    team TEXT NOT NULL,
    normalized TEXT NOT NULL,
    outcome TEXT NOT NULL,
    topic TEXT NOT NULL,
    n INTEGER NOT NULL,
    example TEXT NOT NULL,
    PRIMARY KEY (day, channel, team, normalized, outcome, topic)
) WITHOUT ROWID;
INSERT INTO daily_turns
SELECT CAST((ts + 25200) / 86400 AS INTEGER), channel, COALESCE(referral, ''), outcome,
       COALESCE(topic, ''), COUNT(*)
FROM turns GROUP BY 1, 2, 3, 4, 5;
INSERT INTO daily_misses
SELECT CAST((ts + 25200) / 86400 AS INTEGER), channel, COALESCE(referral, ''), normalized,
       outcome, COALESCE(topic, ''), COUNT(*), COALESCE(MAX(text), '')
FROM turns WHERE outcome IN ('miss', 'suggest', 'none_of_these')
  AND normalized IS NOT NULL AND normalized != ''
GROUP BY 1, 2, 3, 4, 5, 6;
CREATE TRIGGER daily_turns_add AFTER INSERT ON turns BEGIN
    INSERT INTO daily_turns VALUES (CAST((NEW.ts + 25200) / 86400 AS INTEGER), NEW.channel,
        COALESCE(NEW.referral, ''), NEW.outcome, COALESCE(NEW.topic, ''), 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO daily_misses SELECT CAST((NEW.ts + 25200) / 86400 AS INTEGER), NEW.channel,
        COALESCE(NEW.referral, ''), NEW.normalized, NEW.outcome, COALESCE(NEW.topic, ''), 1,
        COALESCE(NEW.text, '')
    WHERE NEW.outcome IN ('miss', 'suggest', 'none_of_these')
      AND NEW.normalized IS NOT NULL AND NEW.normalized != ''
    ON CONFLICT DO UPDATE SET n = n + 1, example = MAX(example, excluded.example);
END;
CREATE TRIGGER daily_turns_remove AFTER DELETE ON turns BEGIN
    UPDATE daily_turns SET n = n - 1
    WHERE day = CAST((OLD.ts + 25200) / 86400 AS INTEGER) AND channel = OLD.channel
      AND team = COALESCE(OLD.referral, '') AND outcome = OLD.outcome
      AND topic = COALESCE(OLD.topic, '');
    UPDATE daily_misses SET n = n - 1
    WHERE day = CAST((OLD.ts + 25200) / 86400 AS INTEGER) AND channel = OLD.channel
      AND team = COALESCE(OLD.referral, '') AND normalized = OLD.normalized
      AND outcome = OLD.outcome AND topic = COALESCE(OLD.topic, '');
    DELETE FROM daily_turns WHERE day = CAST((OLD.ts + 25200) / 86400 AS INTEGER) AND n <= 0;
    DELETE FROM daily_misses WHERE day = CAST((OLD.ts + 25200) / 86400 AS INTEGER) AND n <= 0;
END;
"""
