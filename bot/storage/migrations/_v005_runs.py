"""The flow_runs backfill of v005: the per-citizen funnel replay as one set-based statement."""

# Steps of the replay (bot/reports/funnels.py), in SQL:
#   ev        flow turns; `st` = 1 for a turn that starts a run
#   numbered  each turn gets its citizen's run number (starts so far, in (ts, id) order)
#   starts    one row per run, with the time of the citizen's next start (it replaces an
#             unfinished run)
#   applied   turns of the run's own flow after its start, up to the first end or cancel
#   last_*    the run's last applied turn, and its last step
# `{sep}` is the character after each reached step (\x1f); `{agg}` concatenates steps.
_TEMPLATE = """
INSERT INTO flow_runs (start_id, user_key, flow_id, start_ts, last_ts, last_step, steps,
                       state, touched_ts)
WITH ev AS (
    SELECT id, user_key, ts, flow_id, step_id, outcome,
           CASE WHEN outcome IN ('flow_start', 'answer') THEN 1 ELSE 0 END AS st
    FROM turns WHERE flow_id IS NOT NULL AND (outcome LIKE 'flow%' OR outcome = 'answer')
), numbered AS (
    SELECT ev.*, SUM(st) OVER (PARTITION BY user_key ORDER BY ts, id
                               ROWS UNBOUNDED PRECEDING) AS run
    FROM ev
), starts AS (
    SELECT user_key, run, id AS start_id, flow_id, ts AS start_ts, step_id AS start_step,
           LEAD(ts) OVER (PARTITION BY user_key ORDER BY ts, id) AS next_ts
    FROM numbered WHERE st = 1
), follow AS (
    SELECT n.user_key, n.run, n.id, n.ts, n.step_id, n.outcome,
           COALESCE(SUM(CASE WHEN n.outcome IN ('flow_end', 'flow_cancel') THEN 1 ELSE 0 END)
               OVER (PARTITION BY n.user_key, n.run ORDER BY n.ts, n.id
                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS closed
    FROM numbered AS n JOIN starts AS s ON s.user_key = n.user_key AND s.run = n.run
    WHERE n.st = 0 AND n.flow_id = s.flow_id
), applied AS (
    SELECT * FROM follow WHERE closed = 0
), last_turn AS (
    SELECT user_key, run, ts, outcome FROM (
        SELECT user_key, run, ts, outcome,
               ROW_NUMBER() OVER (PARTITION BY user_key, run ORDER BY ts DESC, id DESC) AS k
        FROM applied) AS a
    WHERE k = 1
), last_step AS (
    SELECT user_key, run, step_id FROM (
        SELECT user_key, run, step_id,
               ROW_NUMBER() OVER (PARTITION BY user_key, run ORDER BY ts DESC, id DESC) AS k
        FROM applied WHERE step_id IS NOT NULL) AS a
    WHERE k = 1
), reached AS (
    SELECT user_key, run, {agg} AS list FROM (
        SELECT user_key, run, step_id FROM applied WHERE step_id IS NOT NULL
        UNION
        SELECT user_key, run, start_step FROM starts WHERE start_step IS NOT NULL) AS r
    GROUP BY user_key, run
)
SELECT s.start_id, s.user_key, s.flow_id, s.start_ts, COALESCE(e.ts, s.start_ts),
       COALESCE(l.step_id, s.start_step), COALESCE(p.list || {sep}, ''),
       CASE WHEN e.outcome = 'flow_end' THEN 'completed'
            WHEN e.outcome = 'flow_cancel' THEN 'cancelled'
            WHEN s.next_ts IS NOT NULL THEN 'replaced' END,
       CASE WHEN e.outcome IN ('flow_end', 'flow_cancel') THEN e.ts
            ELSE COALESCE(s.next_ts, e.ts, s.start_ts) END
FROM starts AS s
LEFT JOIN last_turn AS e ON e.user_key = s.user_key AND e.run = s.run
LEFT JOIN last_step AS l ON l.user_key = s.user_key AND l.run = s.run
LEFT JOIN reached AS p ON p.user_key = s.user_key AND p.run = s.run;
"""


def sqlite_runs() -> str:
    """The backfill for SQLite."""
    return _TEMPLATE.format(sep="char(31)", agg="group_concat(step_id, char(31))")


def pg_runs() -> str:
    """The backfill for PostgreSQL."""
    return _TEMPLATE.format(sep="chr(31)", agg="string_agg(step_id, chr(31))")
