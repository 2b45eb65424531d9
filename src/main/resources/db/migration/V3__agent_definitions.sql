-- Per-tenant classifier definitions (intents and slots); tenants without a row use the built-in one.
CREATE TABLE agent_definitions (
    tenant_id   uuid PRIMARY KEY REFERENCES tenants (id),
    definition  jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
