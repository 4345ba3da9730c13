"""Reports: the team on feedback rows, and covering indexes for the staff report queries."""

SQL = """
ALTER TABLE feedback ADD COLUMN referral TEXT;
CREATE INDEX feedback_referral_ts ON feedback(referral, ts) WHERE referral IS NOT NULL;
DROP INDEX turns_topic_ts;
CREATE INDEX turns_topic_ts_outcome ON turns(topic, ts, outcome);
CREATE INDEX turns_outcome_ts ON turns(outcome, ts, channel, topic);
CREATE INDEX turns_flow_user_ts ON turns(user_key, ts) WHERE flow_id IS NOT NULL;
CREATE INDEX turns_referral_ts ON turns(referral, ts) WHERE referral IS NOT NULL;
CREATE INDEX sessions_updated ON sessions(updated_at);
"""

PG_SQL = """
ALTER TABLE feedback ADD COLUMN referral TEXT COLLATE "C";
CREATE INDEX feedback_referral_ts ON feedback(referral, ts) WHERE referral IS NOT NULL;
DROP INDEX turns_topic_ts;
CREATE INDEX turns_topic_ts_outcome ON turns(topic, ts, outcome);
CREATE INDEX turns_outcome_ts ON turns(outcome, ts, channel, topic);
CREATE INDEX turns_flow_user_ts ON turns(user_key, ts) WHERE flow_id IS NOT NULL;
CREATE INDEX turns_referral_ts ON turns(referral, ts) WHERE referral IS NOT NULL;
CREATE INDEX sessions_updated ON sessions(updated_at);
"""
