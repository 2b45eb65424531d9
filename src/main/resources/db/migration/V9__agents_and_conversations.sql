-- Human agents and conversations (episodes of a session), ADR 0011.

CREATE TABLE agents (
    id              uuid PRIMARY KEY,
    tenant_id       uuid        NOT NULL REFERENCES tenants (id),
    name            text        NOT NULL,
    email           text        NOT NULL,
    token_hash      text        NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    deactivated_at  timestamptz,
    CONSTRAINT agents_email UNIQUE (tenant_id, email)
);

-- One episode of a session, from the first message after the previous resolution until it is
-- resolved (conversations.ConversationStatus): bot → pending (handed off) → open (a person has it)
-- → resolved; release sends pending/open back to bot.
CREATE TABLE conversations (
    id                    uuid PRIMARY KEY,
    tenant_id             uuid        NOT NULL REFERENCES tenants (id),
    session_id            bigint      NOT NULL REFERENCES sessions (id),
    channel               text        NOT NULL,
    customer_id           uuid        REFERENCES customers (id) ON DELETE SET NULL,
    status                text        NOT NULL,
    assignee_id           uuid        REFERENCES agents (id),
    first_seq             bigint      NOT NULL,   -- the event that started it
    created_at            timestamptz NOT NULL DEFAULT now(),
    handed_off_at         timestamptz,            -- last time it became pending: the wait for a person starts
    first_human_reply_at  timestamptz,
    resolved_at           timestamptz,
    last_activity_at      timestamptz NOT NULL DEFAULT now(),
    metadata              jsonb       NOT NULL DEFAULT '{}'::jsonb,
    CONSTRAINT conversations_status CHECK (status IN ('bot', 'pending', 'open', 'resolved')),
    CONSTRAINT conversations_resolved_at CHECK ((status = 'resolved') = (resolved_at IS NOT NULL)),
    CONSTRAINT conversations_open_has_assignee CHECK (status <> 'open' OR assignee_id IS NOT NULL)
);
-- at most one unresolved conversation per session: the one new messages belong to
CREATE UNIQUE INDEX conversations_current ON conversations (session_id) WHERE status <> 'resolved';
-- the inbox: a tenant's conversations by status, oldest waiting first
CREATE INDEX conversations_inbox ON conversations (tenant_id, status, handed_off_at, id);
CREATE INDEX conversations_assignee ON conversations (tenant_id, assignee_id) WHERE status <> 'resolved';

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['agents', 'conversations'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I '
                       'USING (tenant_id = NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid) '
                       'WITH CHECK (tenant_id = NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid)', t);
    END LOOP;
END
$$;
