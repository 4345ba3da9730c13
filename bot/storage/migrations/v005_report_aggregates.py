"""Report aggregates: citizens per day, feedback per day and flow runs, kept by triggers."""
# ruff: noqa: S608 - the script is assembled from the constant fragments below only

# With v003's daily_turns and daily_misses these let `log_stats` answer any window aligned to
# Vietnam days without reading the turns (bot/storage/daily.py). Triggers keep them in the
# same transaction as the turn or purge that changes the log, whatever code path writes it.
#
# flow_runs holds one row per run of a guided flow, i.e. the state of the per-citizen replay
# in bot/reports/funnels.py: `state` is NULL while open, else completed | cancelled | replaced
# (another flow was started); `steps` is the set of steps reached, each followed by \x1f;
# `touched_ts` is the time of the last turn that changed the run (a report window ending
# before it must replay that citizen's turns instead). The triggers assume a citizen's turns
# are logged in time order, which the per-citizen turn lock guarantees; the backfill below
# orders by (ts, id) like the replay.
# The covering indexes let the report's GROUP BY and COUNT(DISTINCT) walk an index in order
# instead of sorting (1M turns on SQLite: distinct citizens 0.96 s -> 0.04 s, wordings
# 1.25 s -> 0.19 s, flow runs 0.46 s -> 0.06 s).
from bot.storage.migrations._v005_runs import pg_runs, sqlite_runs

_DAY = "CAST((ts + 25200) / 86400 AS INTEGER)"
_NEW_DAY = "CAST((NEW.ts + 25200) / 86400 AS INTEGER)"
_OLD_DAY = "CAST((OLD.ts + 25200) / 86400 AS INTEGER)"

SQL = f"""
CREATE TABLE daily_users (
    day INTEGER NOT NULL,
    channel TEXT NOT NULL,
    team TEXT NOT NULL,
    user_key TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (day, channel, team, user_key)
) WITHOUT ROWID;
CREATE TABLE daily_feedback (
    day INTEGER NOT NULL,
    channel TEXT NOT NULL,
    team TEXT NOT NULL,
    topic TEXT NOT NULL,
    flow_id TEXT NOT NULL,
    up INTEGER NOT NULL,
    down INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (day, channel, team, topic, flow_id)
) WITHOUT ROWID;
CREATE TABLE flow_runs (
    start_id INTEGER PRIMARY KEY,
    user_key TEXT NOT NULL,
    flow_id TEXT NOT NULL,
    start_ts REAL NOT NULL,
    last_ts REAL NOT NULL,
    last_step TEXT,
    steps TEXT NOT NULL,
    state TEXT,
    touched_ts REAL NOT NULL
);
CREATE INDEX flow_runs_open ON flow_runs(user_key) WHERE state IS NULL;
CREATE INDEX flow_runs_start ON flow_runs(start_ts, touched_ts);
CREATE INDEX flow_runs_closed ON flow_runs(flow_id, state, last_step, steps, start_ts);
CREATE INDEX flow_runs_open_start ON flow_runs(start_ts, last_ts, flow_id, last_step, steps)
    WHERE state IS NULL;
CREATE INDEX daily_users_user ON daily_users(user_key, day);
CREATE INDEX daily_users_team ON daily_users(team, user_key, day) WHERE team != '';
CREATE INDEX daily_misses_wording
    ON daily_misses(normalized, outcome, topic, day, channel, team, n, example);
INSERT INTO daily_users
SELECT {_DAY}, channel, COALESCE(referral, ''), user_key, COUNT(*) FROM turns
GROUP BY 1, 2, 3, 4;
INSERT INTO daily_feedback
SELECT {_DAY}, channel, COALESCE(referral, ''), COALESCE(topic, ''), COALESCE(flow_id, ''),
       SUM(rating > 0), SUM(rating < 0), COUNT(*)
FROM feedback GROUP BY 1, 2, 3, 4, 5;
{sqlite_runs()}
CREATE TRIGGER daily_users_add AFTER INSERT ON turns BEGIN
    INSERT INTO daily_users VALUES ({_NEW_DAY}, NEW.channel, COALESCE(NEW.referral, ''),
        NEW.user_key, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER daily_users_remove AFTER DELETE ON turns BEGIN
    UPDATE daily_users SET n = n - 1
    WHERE day = {_OLD_DAY} AND channel = OLD.channel AND team = COALESCE(OLD.referral, '')
      AND user_key = OLD.user_key;
    DELETE FROM daily_users
    WHERE day = {_OLD_DAY} AND channel = OLD.channel AND team = COALESCE(OLD.referral, '')
      AND user_key = OLD.user_key AND n <= 0;
END;
CREATE TRIGGER daily_feedback_add AFTER INSERT ON feedback BEGIN
    INSERT INTO daily_feedback VALUES ({_NEW_DAY}, NEW.channel, COALESCE(NEW.referral, ''),
        COALESCE(NEW.topic, ''), COALESCE(NEW.flow_id, ''), NEW.rating > 0, NEW.rating < 0, 1)
    ON CONFLICT DO UPDATE SET up = up + excluded.up, down = down + excluded.down, n = n + 1;
END;
CREATE TRIGGER daily_feedback_remove AFTER DELETE ON feedback BEGIN
    UPDATE daily_feedback SET up = up - (OLD.rating > 0), down = down - (OLD.rating < 0),
        n = n - 1
    WHERE day = {_OLD_DAY} AND channel = OLD.channel AND team = COALESCE(OLD.referral, '')
      AND topic = COALESCE(OLD.topic, '') AND flow_id = COALESCE(OLD.flow_id, '');
    DELETE FROM daily_feedback WHERE day = {_OLD_DAY} AND n <= 0;
END;
CREATE TRIGGER flow_runs_start AFTER INSERT ON turns
WHEN NEW.flow_id IS NOT NULL AND NEW.outcome IN ('flow_start', 'answer') BEGIN
    UPDATE flow_runs SET state = 'replaced', touched_ts = NEW.ts
    WHERE user_key = NEW.user_key AND state IS NULL;
    INSERT INTO flow_runs VALUES (NEW.id, NEW.user_key, NEW.flow_id, NEW.ts, NEW.ts,
        NEW.step_id, COALESCE(NEW.step_id || char(31), ''), NULL, NEW.ts);
END;
CREATE TRIGGER flow_runs_step AFTER INSERT ON turns
WHEN NEW.flow_id IS NOT NULL AND NEW.outcome LIKE 'flow%' AND NEW.outcome != 'flow_start' BEGIN
    UPDATE flow_runs SET last_ts = NEW.ts, touched_ts = NEW.ts,
        last_step = COALESCE(NEW.step_id, last_step),
        steps = CASE WHEN NEW.step_id IS NULL
                       OR instr(char(31) || steps, char(31) || NEW.step_id || char(31)) > 0
                     THEN steps ELSE steps || NEW.step_id || char(31) END,
        state = CASE NEW.outcome WHEN 'flow_end' THEN 'completed'
                                 WHEN 'flow_cancel' THEN 'cancelled' END
    WHERE user_key = NEW.user_key AND state IS NULL AND flow_id = NEW.flow_id;
END;
CREATE TRIGGER flow_runs_forget AFTER DELETE ON turns
WHEN OLD.flow_id IS NOT NULL AND OLD.outcome IN ('flow_start', 'answer') BEGIN
    DELETE FROM flow_runs WHERE start_id = OLD.id;
END;
"""

# PostgreSQL: statement-level triggers over transition tables for the per-day counts (as v003),
# a row-level trigger for the flow runs (a state machine, one citizen's turn at a time).
# ANALYZE first: right after a bulk load the planner has no statistics and the backfill's
# window joins take minutes instead of seconds (50,000 turns: 95 s without, 0.4 s with).
_PG_DAY = "CAST(floor((ts + 25200) / 86400) AS INTEGER)"
PG_SQL = f"""
CREATE TABLE daily_users (
    day INTEGER NOT NULL,
    channel TEXT COLLATE "C" NOT NULL,
    team TEXT COLLATE "C" NOT NULL,
    user_key TEXT COLLATE "C" NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (day, channel, team, user_key)
);
CREATE TABLE daily_feedback (
    day INTEGER NOT NULL,
    channel TEXT COLLATE "C" NOT NULL,
    team TEXT COLLATE "C" NOT NULL,
    topic TEXT COLLATE "C" NOT NULL,
    flow_id TEXT COLLATE "C" NOT NULL,
    up INTEGER NOT NULL,
    down INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (day, channel, team, topic, flow_id)
);
CREATE TABLE flow_runs (
    start_id BIGINT PRIMARY KEY,
    user_key TEXT COLLATE "C" NOT NULL,
    flow_id TEXT COLLATE "C" NOT NULL,
    start_ts DOUBLE PRECISION NOT NULL,
    last_ts DOUBLE PRECISION NOT NULL,
    last_step TEXT COLLATE "C",
    steps TEXT COLLATE "C" NOT NULL,
    state TEXT COLLATE "C",
    touched_ts DOUBLE PRECISION NOT NULL
);
CREATE INDEX flow_runs_open ON flow_runs(user_key) WHERE state IS NULL;
CREATE INDEX flow_runs_start ON flow_runs(start_ts, touched_ts);
CREATE INDEX flow_runs_closed ON flow_runs(flow_id, state, last_step, steps, start_ts);
CREATE INDEX flow_runs_open_start ON flow_runs(start_ts, last_ts, flow_id, last_step, steps)
    WHERE state IS NULL;
CREATE INDEX daily_users_user ON daily_users(user_key, day);
CREATE INDEX daily_users_team ON daily_users(team, user_key, day) WHERE team != '';
CREATE INDEX daily_misses_wording
    ON daily_misses(normalized, outcome, topic, day, channel, team, n, example);
ANALYZE turns;
ANALYZE feedback;
INSERT INTO daily_users
SELECT {_PG_DAY}, channel, COALESCE(referral, ''), user_key, COUNT(*) FROM turns
GROUP BY 1, 2, 3, 4;
INSERT INTO daily_feedback
SELECT {_PG_DAY}, channel, COALESCE(referral, ''), COALESCE(topic, ''), COALESCE(flow_id, ''),
       COUNT(*) FILTER (WHERE rating > 0), COUNT(*) FILTER (WHERE rating < 0), COUNT(*)
FROM feedback GROUP BY 1, 2, 3, 4, 5;
{pg_runs()}
CREATE FUNCTION report_turns_add() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    INSERT INTO daily_users AS d
    SELECT {_PG_DAY}, channel, COALESCE(referral, ''), user_key, COUNT(*)
    FROM new_turns GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (day, channel, team, user_key) DO UPDATE SET n = d.n + EXCLUDED.n;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER report_turns_add AFTER INSERT ON turns REFERENCING NEW TABLE AS new_turns
    FOR EACH STATEMENT EXECUTE FUNCTION report_turns_add();
CREATE FUNCTION report_turns_remove() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    UPDATE daily_users AS d SET n = d.n - g.c
    FROM (SELECT {_PG_DAY} AS day, channel, COALESCE(referral, '') AS team, user_key,
                 COUNT(*) AS c
          FROM old_turns GROUP BY 1, 2, 3, 4) AS g
    WHERE d.day = g.day AND d.channel = g.channel AND d.team = g.team
      AND d.user_key = g.user_key;
    DELETE FROM daily_users WHERE n <= 0 AND day IN (SELECT DISTINCT {_PG_DAY} FROM old_turns);
    DELETE FROM flow_runs WHERE start_id IN (SELECT id FROM old_turns);
    RETURN NULL;
END
$fn$;
CREATE TRIGGER report_turns_remove AFTER DELETE ON turns REFERENCING OLD TABLE AS old_turns
    FOR EACH STATEMENT EXECUTE FUNCTION report_turns_remove();
CREATE FUNCTION report_feedback_add() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    INSERT INTO daily_feedback AS d
    SELECT {_PG_DAY}, channel, COALESCE(referral, ''), COALESCE(topic, ''),
           COALESCE(flow_id, ''), COUNT(*) FILTER (WHERE rating > 0),
           COUNT(*) FILTER (WHERE rating < 0), COUNT(*)
    FROM new_feedback GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (day, channel, team, topic, flow_id) DO UPDATE
    SET up = d.up + EXCLUDED.up, down = d.down + EXCLUDED.down, n = d.n + EXCLUDED.n;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER report_feedback_add AFTER INSERT ON feedback
    REFERENCING NEW TABLE AS new_feedback
    FOR EACH STATEMENT EXECUTE FUNCTION report_feedback_add();
CREATE FUNCTION report_feedback_remove() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    UPDATE daily_feedback AS d SET up = d.up - g.up, down = d.down - g.down, n = d.n - g.c
    FROM (SELECT {_PG_DAY} AS day, channel, COALESCE(referral, '') AS team,
                 COALESCE(topic, '') AS topic, COALESCE(flow_id, '') AS flow_id,
                 COUNT(*) FILTER (WHERE rating > 0) AS up,
                 COUNT(*) FILTER (WHERE rating < 0) AS down, COUNT(*) AS c
          FROM old_feedback GROUP BY 1, 2, 3, 4, 5) AS g
    WHERE d.day = g.day AND d.channel = g.channel AND d.team = g.team
      AND d.topic = g.topic AND d.flow_id = g.flow_id;
    DELETE FROM daily_feedback
    WHERE n <= 0 AND day IN (SELECT DISTINCT {_PG_DAY} FROM old_feedback);
    RETURN NULL;
END
$fn$;
CREATE TRIGGER report_feedback_remove AFTER DELETE ON feedback
    REFERENCING OLD TABLE AS old_feedback
    FOR EACH STATEMENT EXECUTE FUNCTION report_feedback_remove();
CREATE FUNCTION flow_runs_turn() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF NEW.flow_id IS NULL THEN
        RETURN NULL;
    ELSIF NEW.outcome IN ('flow_start', 'answer') THEN
        UPDATE flow_runs SET state = 'replaced', touched_ts = NEW.ts
        WHERE user_key = NEW.user_key AND state IS NULL;
        INSERT INTO flow_runs VALUES (NEW.id, NEW.user_key, NEW.flow_id, NEW.ts, NEW.ts,
            NEW.step_id, COALESCE(NEW.step_id || chr(31), ''), NULL, NEW.ts);
    ELSIF NEW.outcome LIKE 'flow%' THEN
        UPDATE flow_runs SET last_ts = NEW.ts, touched_ts = NEW.ts,
            last_step = COALESCE(NEW.step_id, last_step),
            steps = CASE WHEN NEW.step_id IS NULL
                           OR strpos(chr(31) || steps, chr(31) || NEW.step_id || chr(31)) > 0
                         THEN steps ELSE steps || NEW.step_id || chr(31) END,
            state = CASE NEW.outcome WHEN 'flow_end' THEN 'completed'
                                     WHEN 'flow_cancel' THEN 'cancelled' END
        WHERE user_key = NEW.user_key AND state IS NULL AND flow_id = NEW.flow_id;
    END IF;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER flow_runs_turn AFTER INSERT ON turns
    FOR EACH ROW WHEN (NEW.flow_id IS NOT NULL) EXECUTE FUNCTION flow_runs_turn();
"""
