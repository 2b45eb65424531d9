-- Analytics benchmark data (bench/analytics.sh): a tenant's log of :conversations conversations over
-- the last :days days, ten messages each (five from the customer, five answers), a fifth of them
-- handed off and answered by one of ten agents after 10 s to 20 min. Only the log is written
-- (sessions, events, effects, conversations); the reporting data comes from the rebuild and the
-- triggers, as in production.
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO agents (id, tenant_id, name, email, token_hash)
SELECT gen_random_uuid(), :'tenant', 'Agent ' || a, 'agent' || a || '@bench.example', md5(random()::text || a)
  FROM generate_series(1, 10) a;

CREATE TEMP TABLE gen AS
SELECT i,
       now() - make_interval(days => :days) + (i::double precision / :conversations) * make_interval(days => :days) AS t,
       CASE WHEN i % 5 = 0 THEN 'whatsapp' ELSE 'web' END AS channel,
       i % 5 = 1 AS handed_off,
       (10 + (hashint4(i) & 1023) * 1.2)::int AS wait_s,
       (SELECT id FROM agents WHERE tenant_id = :'tenant' ORDER BY id OFFSET (i % 10) LIMIT 1) AS agent
  FROM generate_series(1, :conversations) i;

INSERT INTO sessions (tenant_id, channel, external_key, state, checksum, last_seq, last_inbound_seq, processed_seq,
                      effect_seq)
SELECT :'tenant', channel, CASE channel WHEN 'web' THEN 'gen-' || i ELSE 'wa:gen:' || i END, 'awaiting_input', 'x',
       40, 40, 40, 5
  FROM gen;
ALTER TABLE gen ADD COLUMN session_id bigint, ADD COLUMN conversation_id uuid;
UPDATE gen SET session_id = s.id, conversation_id = gen_random_uuid()
  FROM sessions s WHERE s.tenant_id = :'tenant' AND s.external_key = CASE gen.channel WHEN 'web' THEN 'gen-' || gen.i
                                                                       ELSE 'wa:gen:' || gen.i END;

INSERT INTO conversations (id, tenant_id, session_id, channel, status, assignee_id, first_seq, created_at,
                           handed_off_at, resolved_at, last_activity_at)
SELECT conversation_id, :'tenant', session_id, channel, 'resolved', CASE WHEN handed_off THEN agent END, 1, t,
       CASE WHEN handed_off THEN t + interval '45 s' END, t + interval '30 min', t + interval '30 min'
  FROM gen;

-- customer messages at seq 1, 3, 5, 7, 9, every 20 s; conversation changes from seq 20 on
INSERT INTO events (tenant_id, session_id, seq, type, payload, created_at)
SELECT :'tenant', session_id, 2 * k - 1, 'user_message', jsonb_build_object('text', 'message ' || k),
       t + make_interval(secs => 20 * (k - 1))
  FROM gen, generate_series(1, 5) k;
INSERT INTO events (tenant_id, session_id, seq, type, payload, created_at)
SELECT :'tenant', session_id, 20, 'conversation_changed',
       jsonb_build_object('conversationId', conversation_id, 'to', 'bot', 'reason', 'message', 'at', t), t
  FROM gen;
INSERT INTO events (tenant_id, session_id, seq, type, payload, created_at)
SELECT :'tenant', session_id, 21, 'conversation_changed',
       jsonb_build_object('conversationId', conversation_id, 'from', 'bot', 'to', 'pending', 'reason', 'handoff',
                          'at', t + interval '45 s'), t + interval '45 s'
  FROM gen WHERE handed_off;
INSERT INTO events (tenant_id, session_id, seq, type, payload, created_at)
SELECT :'tenant', session_id, 22, 'agent_message',
       jsonb_build_object('text', 'an agent''s answer', 'agentId', agent, 'agentName', 'Agent'),
       t + interval '45 s' + make_interval(secs => wait_s)
  FROM gen WHERE handed_off;
INSERT INTO events (tenant_id, session_id, seq, type, payload, created_at)
SELECT :'tenant', session_id, 23, 'conversation_changed',
       jsonb_build_object('conversationId', conversation_id, 'from', 'pending', 'to', 'open', 'reason', 'agent_reply',
                          'assigneeId', agent, 'at', t + interval '45 s' + make_interval(secs => wait_s)),
       t + interval '45 s' + make_interval(secs => wait_s)
  FROM gen WHERE handed_off;
INSERT INTO events (tenant_id, session_id, seq, type, payload, created_at)
SELECT :'tenant', session_id, 24, 'conversation_changed',
       jsonb_build_object('conversationId', conversation_id, 'from', CASE WHEN handed_off THEN 'open' ELSE 'bot' END,
                          'to', 'resolved', 'reason', 'resolved', 'at', t + interval '30 min')
           || CASE WHEN handed_off THEN jsonb_build_object('assigneeId', agent) ELSE '{}'::jsonb END,
       t + interval '30 min'
  FROM gen;

-- the answers: the bot's to each customer message; the agent's reply is one more
INSERT INTO effects (tenant_id, session_id, channel, session_key, seq, reply_to, type, payload, dedupe_key, status,
                     message_status, delivered_at, created_at, sent_at)
SELECT :'tenant', session_id, channel, 'gen-' || i, k, 2 * k - 1, 'message', jsonb_build_object('text', 'answer ' || k),
       session_id || ':' || (2 * k - 1) || ':0', 'sent', 'delivered', t + make_interval(secs => 20 * (k - 1) + 1),
       t + make_interval(secs => 20 * (k - 1) + 1), t + make_interval(secs => 20 * (k - 1) + 1)
  FROM gen, generate_series(1, 4) k;
INSERT INTO effects (tenant_id, session_id, channel, session_key, seq, reply_to, type, payload, dedupe_key, status,
                     message_status, delivered_at, created_at, sent_at)
SELECT :'tenant', session_id, channel, 'gen-' || i, 5, 22, 'message',
       jsonb_build_object('text', 'an agent''s answer', 'from', jsonb_build_object('kind', 'agent', 'id', agent)),
       session_id || ':22:0', 'sent', 'delivered', t + interval '45 s' + make_interval(secs => wait_s),
       t + interval '45 s' + make_interval(secs => wait_s), t + interval '45 s' + make_interval(secs => wait_s)
  FROM gen WHERE handed_off;
INSERT INTO effects (tenant_id, session_id, channel, session_key, seq, reply_to, type, payload, dedupe_key, status,
                     message_status, delivered_at, created_at, sent_at)
SELECT :'tenant', session_id, channel, 'gen-' || i, 5, 9, 'message', jsonb_build_object('text', 'answer 5'),
       session_id || ':9:0', 'sent', 'delivered', t + interval '81 s', t + interval '81 s', t + interval '81 s'
  FROM gen WHERE NOT handed_off;
COMMIT;
ANALYZE;
