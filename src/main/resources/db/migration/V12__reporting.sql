-- Reporting data for analytics (ADR 0013), kept up to date as the log commits so that no report
-- scans the log. Two kinds:
--  * one row per measured fact of a conversation (report_conversations, report_replies,
--    report_assignments), written by analytics.ReportWriter in the transaction of the change;
--  * counts per quarter hour and per UTC day (report_counts, report_counts_daily): messages and
--    deliveries from the log's own rows, conversations and duration histograms from the rows above,
--    all by triggers, through an insert-only queue of deltas (report_count_deltas) that
--    analytics.CountRoller folds in: writers never update a shared counter row, so they never wait
--    on one another. Every count is a function of rows; report_counts_truth recomputes them.

-- The facts of one conversation; times are the log's (LogClock).
CREATE TABLE report_conversations (
    conversation_id     uuid PRIMARY KEY,
    tenant_id           uuid        NOT NULL,
    session_id          bigint      NOT NULL,
    channel             text        NOT NULL,
    created_at          timestamptz NOT NULL,
    status              text        NOT NULL,
    status_since        timestamptz NOT NULL,
    assignee_id         uuid,
    reached_person      boolean     NOT NULL DEFAULT false,  -- it was pending or open at some point
    handed_off_at       timestamptz,                         -- the first handoff
    pending_since       timestamptz,                         -- the handoff the first response answers
    first_response_at   timestamptz,
    first_response_ms   bigint,
    first_responder_id  uuid,
    resolved_at         timestamptz,
    resolved_by_id      uuid,                                -- the assignee when it was resolved
    bot_ms              bigint      NOT NULL DEFAULT 0,
    human_ms            bigint      NOT NULL DEFAULT 0,
    waiting_since       timestamptz[] NOT NULL DEFAULT '{}', -- customer messages waiting on a person
    CONSTRAINT report_conversations_status CHECK (status IN ('bot', 'pending', 'open', 'resolved'))
);
-- the per-agent report reads rows (its percentiles are exact); the summary reads counts only
CREATE INDEX report_conversations_first_response ON report_conversations (tenant_id, first_response_at)
    INCLUDE (channel, first_response_ms, first_responder_id) WHERE first_response_at IS NOT NULL;
CREATE INDEX report_conversations_resolved ON report_conversations (tenant_id, resolved_at)
    INCLUDE (channel, created_at, bot_ms, human_ms, reached_person, resolved_by_id) WHERE resolved_at IS NOT NULL;
CREATE INDEX report_conversations_session ON report_conversations (session_id);

-- One customer message that waited on a person, answered by an agent's reply.
CREATE TABLE report_replies (
    tenant_id        uuid        NOT NULL,
    conversation_id  uuid        NOT NULL,
    session_id       bigint      NOT NULL,
    channel          text        NOT NULL,
    agent_id         uuid        NOT NULL,
    asked_at         timestamptz NOT NULL,
    answered_at      timestamptz NOT NULL,
    reply_ms         bigint      NOT NULL
);
CREATE INDEX report_replies_answered ON report_replies (tenant_id, answered_at) INCLUDE (channel, agent_id, reply_ms);
CREATE INDEX report_replies_session ON report_replies (session_id);

-- A conversation given to an agent (a claim, a transfer, an agent's first reply to it).
CREATE TABLE report_assignments (
    tenant_id        uuid        NOT NULL,
    conversation_id  uuid        NOT NULL,
    session_id       bigint      NOT NULL,
    channel          text        NOT NULL,
    agent_id         uuid        NOT NULL,
    assigned_at      timestamptz NOT NULL
);
CREATE INDEX report_assignments_at ON report_assignments (tenant_id, assigned_at) INCLUDE (channel, agent_id);
CREATE INDEX report_assignments_session ON report_assignments (session_id);

-- Counts per tenant, quarter hour (any time zone's day starts on one), channel, metric and dimension
-- (an agent's id for agent messages and notes, a failure code for failed deliveries, else '').
CREATE TABLE report_counts (
    tenant_id  uuid        NOT NULL,
    metric     text        NOT NULL,
    bucket     timestamptz NOT NULL,
    channel    text        NOT NULL,
    dim        text        NOT NULL,
    n          bigint      NOT NULL,
    PRIMARY KEY (tenant_id, metric, bucket, channel, dim)
);
-- The same counts per UTC day (day = the midnight starting it): a long range reads days, and quarter
-- hours only at its two ends.
CREATE TABLE report_counts_daily (
    tenant_id  uuid        NOT NULL,
    metric     text        NOT NULL,
    day        timestamptz NOT NULL,
    channel    text        NOT NULL,
    dim        text        NOT NULL,
    n          bigint      NOT NULL,
    PRIMARY KEY (tenant_id, metric, day, channel, dim)
);
-- Changes to the counts not folded in yet; no index, so an insert costs a heap write only.
CREATE TABLE report_count_deltas (
    tenant_id  uuid        NOT NULL,
    metric     text        NOT NULL,
    bucket     timestamptz NOT NULL,
    channel    text        NOT NULL,
    dim        text        NOT NULL,
    n          bigint      NOT NULL
);

CREATE FUNCTION report_bucket(at timestamptz) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT date_bin('15 minutes', at, timestamptz '2000-01-01 00:00:00+00') $$;

-- A customer's message or an agent's note entered the log.
CREATE FUNCTION report_event_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_count_deltas (tenant_id, metric, bucket, channel, dim, n)
    SELECT NEW.tenant_id, CASE NEW.type WHEN 'user_message' THEN 'messages_in' ELSE 'notes' END,
           report_bucket(NEW.created_at), s.channel,
           CASE NEW.type WHEN 'agent_note' THEN coalesce(NEW.payload ->> 'agentId', '') ELSE '' END, 1
      FROM sessions s WHERE s.id = NEW.session_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_event_counted AFTER INSERT ON events
    FOR EACH ROW WHEN (NEW.type IN ('user_message', 'agent_note')) EXECUTE FUNCTION report_event_counted();

-- An outbound message was recorded (by the bot or an agent): it counts in the bucket it was written
-- in, and under its first status.
CREATE FUNCTION report_message_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_count_deltas (tenant_id, metric, bucket, channel, dim, n)
    SELECT NEW.tenant_id, v.metric, report_bucket(NEW.created_at), NEW.channel, v.dim, 1
      FROM (VALUES (CASE WHEN NEW.payload -> 'from' ->> 'kind' = 'agent' THEN 'messages_agent' ELSE 'messages_bot' END,
                    coalesce(NEW.payload -> 'from' ->> 'id', '')),
                   ('delivery_' || NEW.message_status,
                    CASE WHEN NEW.message_status = 'failed' THEN coalesce(NEW.failure_code, '') ELSE '' END)) v (metric, dim)
     WHERE v.metric IS NOT NULL;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_message_recorded AFTER INSERT ON effects
    FOR EACH ROW WHEN (NEW.type = 'message') EXECUTE FUNCTION report_message_counted();

-- Messages' statuses moved: each moved message leaves its old status and joins the new one. Once per
-- statement, so the sent marker's batch of a hundred messages costs one insert of a few rows.
CREATE FUNCTION report_messages_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_count_deltas (tenant_id, metric, bucket, channel, dim, n)
    SELECT d.tenant_id, d.metric, report_bucket(d.created_at), d.channel, d.dim, sum(d.n)
      FROM moved_from o JOIN moved_to m ON m.id = o.id
           CROSS JOIN LATERAL (VALUES
               (o.tenant_id, 'delivery_' || o.message_status, o.created_at, o.channel,
                CASE WHEN o.message_status = 'failed' THEN coalesce(o.failure_code, '') ELSE '' END, -1),
               (m.tenant_id, 'delivery_' || m.message_status, m.created_at, m.channel,
                CASE WHEN m.message_status = 'failed' THEN coalesce(m.failure_code, '') ELSE '' END, 1))
               d (tenant_id, metric, created_at, channel, dim, n)
     WHERE m.type = 'message' AND d.metric IS NOT NULL
       AND (o.message_status IS DISTINCT FROM m.message_status OR o.failure_code IS DISTINCT FROM m.failure_code)
     GROUP BY d.tenant_id, d.metric, report_bucket(d.created_at), d.channel, d.dim
    HAVING sum(d.n) <> 0;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_messages_moved AFTER UPDATE ON effects
    REFERENCING OLD TABLE AS moved_from NEW TABLE AS moved_to
    FOR EACH STATEMENT EXECUTE FUNCTION report_messages_moved();

-- A duration's histogram bin, in seconds: exact below 100 s, then two significant digits (1234 s is
-- counted as 1200 s), so a month of durations is a few hundred bins per day whatever their number.
CREATE FUNCTION report_bin(ms bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN ms < 100000 THEN ms / 1000
                      ELSE ms / 1000 - (ms / 1000) % (10 ^ (length((ms / 1000)::text) - 2))::bigint END $$;

-- What one conversation's row counts: each duration as a histogram bin (dimension: the bin's seconds)
-- and a sum of milliseconds (metric + '_ms'), at the time it was measured.
CREATE FUNCTION report_conversation_counts(r report_conversations)
    RETURNS TABLE (metric text, bucket timestamptz, dim text, n bigint)
    LANGUAGE sql IMMUTABLE AS $$
    SELECT v.metric, report_bucket(v.at), v.dim, v.n
      FROM (SELECT (extract(epoch FROM r.resolved_at - r.created_at) * 1000)::bigint AS total_ms) t,
           LATERAL (VALUES
               ('conversations_created', r.created_at, '', 1::bigint),
               ('conversations_handed_off', r.handed_off_at, '', 1),
               ('conversations_resolved', r.resolved_at, '', 1),
               ('conversations_contained', CASE WHEN NOT r.reached_person THEN r.resolved_at END, '', 1),
               ('first_response', r.first_response_at, report_bin(r.first_response_ms)::text, 1),
               ('first_response_ms', r.first_response_at, '', r.first_response_ms),
               ('resolution', r.resolved_at, report_bin(t.total_ms)::text, 1),
               ('resolution_ms', r.resolved_at, '', t.total_ms),
               ('resolution_bot', r.resolved_at, report_bin(r.bot_ms)::text, 1),
               ('resolution_bot_ms', r.resolved_at, '', r.bot_ms),
               ('resolution_human', r.resolved_at, report_bin(r.human_ms)::text, 1),
               ('resolution_human_ms', r.resolved_at, '', r.human_ms)) v (metric, at, dim, n)
     WHERE v.at IS NOT NULL
$$;

CREATE FUNCTION report_reply_counts(r report_replies)
    RETURNS TABLE (metric text, bucket timestamptz, dim text, n bigint)
    LANGUAGE sql IMMUTABLE AS $$
    SELECT v.metric, report_bucket(r.answered_at), v.dim, v.n
      FROM (VALUES ('agent_reply', report_bin(r.reply_ms)::text, 1::bigint), ('agent_reply_ms', '', r.reply_ms)) v (metric, dim, n)
$$;

-- A conversation's row was written or removed: its counts move by the difference.
CREATE FUNCTION report_conversation_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_count_deltas (tenant_id, metric, bucket, channel, dim, n)
    SELECT d.tenant_id, d.metric, d.bucket, d.channel, d.dim, sum(d.n)
      FROM (SELECT NEW.tenant_id, c.metric, c.bucket, NEW.channel, c.dim, c.n
              FROM report_conversation_counts(NEW) c WHERE TG_OP <> 'DELETE'
            UNION ALL
            SELECT OLD.tenant_id, c.metric, c.bucket, OLD.channel, c.dim, -c.n
              FROM report_conversation_counts(OLD) c WHERE TG_OP <> 'INSERT') d (tenant_id, metric, bucket, channel, dim, n)
     GROUP BY 1, 2, 3, 4, 5 HAVING sum(d.n) <> 0;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_conversation_counted AFTER INSERT OR UPDATE OR DELETE ON report_conversations
    FOR EACH ROW EXECUTE FUNCTION report_conversation_counted();

CREATE FUNCTION report_reply_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO report_count_deltas (tenant_id, metric, bucket, channel, dim, n)
        SELECT NEW.tenant_id, c.metric, c.bucket, NEW.channel, c.dim, c.n FROM report_reply_counts(NEW) c;
    ELSE
        INSERT INTO report_count_deltas (tenant_id, metric, bucket, channel, dim, n)
        SELECT OLD.tenant_id, c.metric, c.bucket, OLD.channel, c.dim, -c.n FROM report_reply_counts(OLD) c;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_reply_counted AFTER INSERT OR DELETE ON report_replies
    FOR EACH ROW EXECUTE FUNCTION report_reply_counted();

-- Every count of a tenant as the triggers would have kept it for its rows as they are now: what the
-- rebuild compares the kept counts with. Keep it in step with the trigger functions above.
CREATE FUNCTION report_counts_truth(tenant uuid)
    RETURNS TABLE (metric text, bucket timestamptz, channel text, dim text, n bigint)
    LANGUAGE sql STABLE AS $$
    SELECT CASE e.type WHEN 'user_message' THEN 'messages_in' ELSE 'notes' END, report_bucket(e.created_at), s.channel,
           CASE e.type WHEN 'agent_note' THEN coalesce(e.payload ->> 'agentId', '') ELSE '' END, count(*)
      FROM events e JOIN sessions s ON s.id = e.session_id
     WHERE e.tenant_id = tenant AND e.type IN ('user_message', 'agent_note')
     GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT CASE WHEN f.payload -> 'from' ->> 'kind' = 'agent' THEN 'messages_agent' ELSE 'messages_bot' END,
           report_bucket(f.created_at), f.channel, coalesce(f.payload -> 'from' ->> 'id', ''), count(*)
      FROM effects f WHERE f.tenant_id = tenant AND f.type = 'message'
     GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT 'delivery_' || f.message_status, report_bucket(f.created_at), f.channel,
           CASE WHEN f.message_status = 'failed' THEN coalesce(f.failure_code, '') ELSE '' END, count(*)
      FROM effects f WHERE f.tenant_id = tenant AND f.type = 'message' AND f.message_status IS NOT NULL
     GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT c.metric, c.bucket, r.channel, c.dim, sum(c.n)
      FROM report_conversations r, report_conversation_counts(r) c WHERE r.tenant_id = tenant
     GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT c.metric, c.bucket, r.channel, c.dim, sum(c.n)
      FROM report_replies r, report_reply_counts(r) c WHERE r.tenant_id = tenant
     GROUP BY 1, 2, 3, 4
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['report_conversations', 'report_replies', 'report_assignments', 'report_counts',
                             'report_counts_daily', 'report_count_deltas'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I '
                       'USING (tenant_id = NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid) '
                       'WITH CHECK (tenant_id = NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid)', t);
    END LOOP;
END
$$;

-- The log written before this migration is counted, and its conversations measured, by the rebuild
-- (POST /api/v1/admin/analytics/rebuild).
