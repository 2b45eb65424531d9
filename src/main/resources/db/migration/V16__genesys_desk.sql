-- Which desk a tenant's handed-off conversations go to (issue 11): the built-in one, or Genesys Cloud
-- through Open Messaging. The row's id is the path of the Genesys outbound webhook. Secrets are
-- sealed by secrets.SecretBox, bound to the row's tenant and column.
CREATE TABLE desk_providers (
    id              uuid PRIMARY KEY,
    tenant_id       uuid        NOT NULL UNIQUE REFERENCES tenants (id),
    provider        text        NOT NULL,
    region          text,
    integration_id  text,
    client_id       text,
    client_secret   text,
    webhook_secret  text,
    agent_id        uuid        REFERENCES agents (id),   -- the desk agent Genesys's people reply as
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT desk_providers_provider CHECK (provider IN ('builtin', 'genesys')),
    CONSTRAINT desk_providers_genesys_complete CHECK (provider <> 'genesys' OR (region IS NOT NULL
        AND integration_id IS NOT NULL AND client_id IS NOT NULL AND client_secret IS NOT NULL
        AND webhook_secret IS NOT NULL AND agent_id IS NOT NULL))
);

-- A handed-off conversation's counterpart in Genesys, known from the first inbound message's answer;
-- ended when either side closed it (the end check no longer looks at it).
CREATE TABLE genesys_conversations (
    genesys_conversation_id  text PRIMARY KEY,
    tenant_id                uuid        NOT NULL REFERENCES tenants (id),
    session_id               bigint      NOT NULL REFERENCES sessions (id),
    conversation_id          uuid        NOT NULL REFERENCES conversations (id),
    created_at               timestamptz NOT NULL DEFAULT now(),
    ended_at                 timestamptz
);
CREATE INDEX genesys_conversations_open ON genesys_conversations (session_id) WHERE ended_at IS NULL;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['desk_providers', 'genesys_conversations'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I '
                       'USING (tenant_id = NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid) '
                       'WITH CHECK (tenant_id = NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid)', t);
    END LOOP;
END
$$;
