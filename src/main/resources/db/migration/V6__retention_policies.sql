-- Per-tenant retention (days; NULL keeps forever), enforced by privacy.RetentionJob in batches.
CREATE TABLE retention_policies (
    tenant_id           uuid PRIMARY KEY REFERENCES tenants (id),
    events_days         integer CHECK (events_days > 0),
    effects_days        integer CHECK (effects_days > 0),
    idempotency_days    integer CHECK (idempotency_days > 0),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE retention_policies ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON retention_policies
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
-- the retention job finds old rows per tenant by age
CREATE INDEX events_tenant_age ON events (tenant_id, created_at);
CREATE INDEX effects_tenant_age ON effects (tenant_id, created_at) WHERE status IN ('sent', 'dead');
