-- Reporting data for analytics (ADR 0013), kept up to date as the log commits so that no report
-- scans the log. Two kinds:
--  * one row per measured fact of a conversation (report_conversations, report_replies,
--    report_assignments), written by analytics.ReportWriter in the transaction of the change;
--  * counts of messages and deliveries per 15-minute bucket (report_counts), fed by triggers on the
--    log's own rows through an insert-only queue of deltas (report_count_deltas) that
--    analytics.CountRoller folds in: writers never update a shared counter row, so they never wait
--    on one another.

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
CREATE INDEX report_conversations_created ON report_conversations (tenant_id, created_at)
    INCLUDE (channel, handed_off_at, resolved_at);
CREATE INDEX report_conversations_handed_off ON report_conversations (tenant_id, handed_off_at)
    INCLUDE (channel) WHERE handed_off_at IS NOT NULL;
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
-- Changes to report_counts not folded in yet; no index, so an insert costs a heap write only.
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

-- An outbound message was recorded (by the bot or an agent), or its delivery status moved. A
-- message counts in the bucket it was written in, under its current status: a move takes it out of
-- its old status and into the new one.
CREATE FUNCTION report_message_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO report_count_deltas (tenant_id, metric, bucket, channel, dim, n) VALUES
            (NEW.tenant_id, CASE WHEN NEW.payload -> 'from' ->> 'kind' = 'agent' THEN 'messages_agent' ELSE 'messages_bot' END,
             report_bucket(NEW.created_at), NEW.channel, coalesce(NEW.payload -> 'from' ->> 'id', ''), 1);
    ELSIF OLD.message_status IS NOT NULL THEN
        INSERT INTO report_count_deltas (tenant_id, metric, bucket, channel, dim, n) VALUES
            (OLD.tenant_id, 'delivery_' || OLD.message_status, report_bucket(OLD.created_at), OLD.channel,
             CASE WHEN OLD.message_status = 'failed' THEN coalesce(OLD.failure_code, '') ELSE '' END, -1);
    END IF;
    IF NEW.message_status IS NOT NULL THEN
        INSERT INTO report_count_deltas (tenant_id, metric, bucket, channel, dim, n) VALUES
            (NEW.tenant_id, 'delivery_' || NEW.message_status, report_bucket(NEW.created_at), NEW.channel,
             CASE WHEN NEW.message_status = 'failed' THEN coalesce(NEW.failure_code, '') ELSE '' END, 1);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER report_message_recorded AFTER INSERT ON effects
    FOR EACH ROW WHEN (NEW.type = 'message') EXECUTE FUNCTION report_message_counted();
CREATE TRIGGER report_message_moved AFTER UPDATE OF message_status, failure_code ON effects
    FOR EACH ROW WHEN (NEW.type = 'message' AND (OLD.message_status IS DISTINCT FROM NEW.message_status
                       OR OLD.failure_code IS DISTINCT FROM NEW.failure_code))
    EXECUTE FUNCTION report_message_counted();

-- The counts the triggers would have kept for a tenant's log as it is now: what the rebuild compares
-- the kept counts with. Keep it in step with the two functions above.
CREATE FUNCTION report_counts_of_log(tenant uuid)
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
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['report_conversations', 'report_replies', 'report_assignments', 'report_counts',
                             'report_count_deltas'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I '
                       'USING (tenant_id = NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid) '
                       'WITH CHECK (tenant_id = NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid)', t);
    END LOOP;
END
$$;

-- The log written before this migration is counted, and its conversations measured, by the rebuild
-- (POST /api/v1/admin/analytics/rebuild).
