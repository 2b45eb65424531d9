-- pgbench baseline: the durable writes the service performs for ONE message, as three
-- transactions on the service's own schema (see bench/run.sh):
--   1. append the inbound event (reserve the session's next seq, insert the event)
--   2. commit processing: state update with cursor, derived event, effect
--   3. mark the effect sent
-- One pgbench "transaction" is one message; client i works on session i (per-session order).
\set sid :client_id + 1
BEGIN;
UPDATE sessions SET last_seq = last_seq + 1, last_inbound_seq = last_seq + 1, last_activity_at = now()
 WHERE id = :sid RETURNING last_seq AS inbound_seq \gset
INSERT INTO events (tenant_id, session_id, seq, type, payload, client_msg_id)
VALUES ('00000000-0000-0000-0000-0000000000b0', :sid, :inbound_seq, 'user_message', '{"text":"load m"}', 'c' || :inbound_seq);
COMMIT;
BEGIN;
UPDATE sessions SET state = 'awaiting_input', data = '{"turns":1}', version = version + 1,
       checksum = 'c67f286c52142022d066006ef79633392624df141f6e763f7142bf6eb6176a65',
       processed_seq = :inbound_seq, last_seq = last_seq + 1, effect_seq = effect_seq + 1, last_activity_at = now()
 WHERE id = :sid RETURNING last_seq AS derived_seq, effect_seq AS effect_seq \gset
INSERT INTO events (tenant_id, session_id, seq, type, payload)
VALUES ('00000000-0000-0000-0000-0000000000b0', :sid, :derived_seq, 'assistant_message', '{"text":"You said: load m","replyTo":1}');
INSERT INTO effects (tenant_id, channel, session_key, session_id, seq, reply_to, type, payload, dedupe_key)
VALUES ('00000000-0000-0000-0000-0000000000b0', 'web', 'b' || :sid, :sid, :effect_seq, :inbound_seq, 'message',
        '{"text":"You said: load m"}', :sid || ':' || :inbound_seq || ':0') RETURNING id AS effect_id \gset
COMMIT;
UPDATE effects SET status = 'sent', sent_at = now(), attempts = attempts + 1 WHERE id = :effect_id;
