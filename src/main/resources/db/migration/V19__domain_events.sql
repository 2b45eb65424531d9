-- Domain events for other services (issue 15): written in the transaction of the fact they tell,
-- published to the broker afterwards by one node at a time, in id order within each stream (a
-- conversation, or a customer). event_id is what consumers deduplicate on: a row published twice
-- (a crash between the broker's confirm and the mark) carries the same one.
CREATE TABLE domain_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id      uuid        NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    tenant_id     uuid        NOT NULL REFERENCES tenants (id),
    stream_key    uuid        NOT NULL,   -- the conversation's or the customer's id: order holds within it
    type          text        NOT NULL,
    payload       jsonb       NOT NULL,   -- ids, statuses and times; never a message's content
    occurred_at   timestamptz NOT NULL,
    published_at  timestamptz
);
CREATE INDEX domain_events_unpublished ON domain_events (id) WHERE published_at IS NULL;
CREATE INDEX domain_events_published ON domain_events (published_at) WHERE published_at IS NOT NULL;

ALTER TABLE domain_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON domain_events
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
