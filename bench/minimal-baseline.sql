-- The minimal baseline: the same three transactions per message as bench/baseline.sql, on the
-- smallest schema that can hold them (no tenants, no foreign keys, no checksums, one index per
-- table), so that the ratio against bench/baseline.sql shows what the service's schema itself costs.
\set sid :client_id + 1
BEGIN;
UPDATE m_sessions SET last_seq = last_seq + 1 WHERE id = :sid RETURNING last_seq AS inbound_seq \gset
INSERT INTO m_events (session_id, seq, payload) VALUES (:sid, :inbound_seq, '{"text":"load m"}');
COMMIT;
BEGIN;
UPDATE m_sessions SET state = '{"turns":1}', processed_seq = :inbound_seq, last_seq = last_seq + 1,
       effect_seq = effect_seq + 1
 WHERE id = :sid RETURNING last_seq AS derived_seq, effect_seq AS effect_seq \gset
INSERT INTO m_events (session_id, seq, payload) VALUES (:sid, :derived_seq, '{"text":"You said: load m"}');
INSERT INTO m_effects (session_id, seq, payload) VALUES (:sid, :effect_seq, '{"text":"You said: load m"}');
COMMIT;
UPDATE m_effects SET sent = true WHERE session_id = :sid AND seq = :effect_seq;
