-- The minimal baseline's schema (see bench/minimal-baseline.sql) and the sessions its clients write to.
CREATE TABLE m_sessions (id bigint PRIMARY KEY, state jsonb NOT NULL DEFAULT '{}', last_seq bigint NOT NULL DEFAULT 0,
                         processed_seq bigint NOT NULL DEFAULT 0, effect_seq bigint NOT NULL DEFAULT 0);
CREATE TABLE m_events (session_id bigint NOT NULL, seq bigint NOT NULL, payload jsonb NOT NULL,
                       PRIMARY KEY (session_id, seq));
CREATE TABLE m_effects (session_id bigint NOT NULL, seq bigint NOT NULL, payload jsonb NOT NULL,
                        sent boolean NOT NULL DEFAULT false, PRIMARY KEY (session_id, seq));
INSERT INTO m_sessions (id) SELECT g FROM generate_series(1, :sessions) g;
