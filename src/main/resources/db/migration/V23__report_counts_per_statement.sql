-- Messages are counted once per statement, not once per row: a group commit of N messages adds one
-- delta row for each (tenant, metric, quarter hour, channel, dimension) it touched instead of N.
-- The counts are the same; the rows, their WAL and the roller's deletes are fewer.

-- A customer's message or an agent's note entered the log.
CREATE FUNCTION report_events_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_count_deltas (tenant_id, metric, bucket, channel, dim, n)
    SELECT e.tenant_id, CASE e.type WHEN 'user_message' THEN 'messages_in' ELSE 'notes' END,
           report_bucket(e.created_at), s.channel,
           CASE e.type WHEN 'agent_note' THEN coalesce(e.payload ->> 'agentId', '') ELSE '' END, count(*)
      FROM inserted_events e JOIN sessions s ON s.id = e.session_id
     WHERE e.type IN ('user_message', 'agent_note')
     GROUP BY 1, 2, 3, 4, 5;
    RETURN NULL;
END
$$;
DROP TRIGGER report_event_counted ON events;
DROP FUNCTION report_event_counted();
CREATE TRIGGER report_events_counted AFTER INSERT ON events REFERENCING NEW TABLE AS inserted_events
    FOR EACH STATEMENT EXECUTE FUNCTION report_events_counted();

-- Outbound messages were recorded (by the bot or an agent): each counts in the bucket it was written
-- in, and under its first status.
CREATE FUNCTION report_messages_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_count_deltas (tenant_id, metric, bucket, channel, dim, n)
    SELECT m.tenant_id, v.metric, report_bucket(m.created_at), m.channel, v.dim, count(*)
      FROM inserted_effects m
           CROSS JOIN LATERAL (VALUES
               (CASE WHEN m.payload -> 'from' ->> 'kind' = 'agent' THEN 'messages_agent' ELSE 'messages_bot' END,
                coalesce(m.payload -> 'from' ->> 'id', '')),
               ('delivery_' || m.message_status,
                CASE WHEN m.message_status = 'failed' THEN coalesce(m.failure_code, '') ELSE '' END)) v (metric, dim)
     WHERE m.type = 'message' AND v.metric IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5;
    RETURN NULL;
END
$$;
DROP TRIGGER report_message_recorded ON effects;
DROP FUNCTION report_message_counted();
CREATE TRIGGER report_messages_recorded AFTER INSERT ON effects REFERENCING NEW TABLE AS inserted_effects
    FOR EACH STATEMENT EXECUTE FUNCTION report_messages_counted();
