-- WhatsApp channels, customers, and the delivery lifecycle of outbound messages (ADR 0010).

-- One WhatsApp Cloud API phone number of a tenant. Secrets are AES-GCM ciphertexts
-- (secrets.SecretBox), never plaintext; a phone number id belongs to one channel in the whole service
-- because Meta's webhooks name it, not the tenant.
CREATE TABLE whatsapp_channels (
    id               uuid PRIMARY KEY,
    tenant_id        uuid        NOT NULL REFERENCES tenants (id),
    phone_number_id  text        NOT NULL,
    access_token     text        NOT NULL,
    app_secret       text        NOT NULL,
    verify_token     text        NOT NULL,
    mark_read        boolean     NOT NULL DEFAULT true,
    send_rate        integer     NOT NULL DEFAULT 80,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT whatsapp_channels_phone_number UNIQUE (phone_number_id),
    CONSTRAINT whatsapp_channels_send_rate CHECK (send_rate BETWEEN 1 AND 1000)
);
CREATE INDEX whatsapp_channels_tenant ON whatsapp_channels (tenant_id);

-- A person the tenant talks to, across channels: a WhatsApp id, an id in the tenant's own systems,
-- or both. Phones are E.164 (customers.PhoneNumbers), so any spelling of a number finds the row.
CREATE TABLE customers (
    id           uuid PRIMARY KEY,
    tenant_id    uuid        NOT NULL REFERENCES tenants (id),
    wa_id        text,
    external_id  text,
    phone        text,
    name         text,
    email        text,
    preferences  jsonb       NOT NULL DEFAULT '{}'::jsonb,
    metadata     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customers_wa_id UNIQUE (tenant_id, wa_id),
    CONSTRAINT customers_external_id UNIQUE (tenant_id, external_id),
    CONSTRAINT customers_phone_e164 CHECK (phone IS NULL OR phone ~ '^\+[1-9][0-9]{6,14}$')
);
CREATE INDEX customers_phone ON customers (tenant_id, phone) WHERE phone IS NOT NULL;
-- the customer list pages by id
CREATE INDEX customers_tenant_id ON customers (tenant_id, id);

ALTER TABLE sessions ADD COLUMN customer_id uuid REFERENCES customers (id) ON DELETE SET NULL;
CREATE INDEX sessions_customer ON sessions (customer_id) WHERE customer_id IS NOT NULL;

-- The delivery lifecycle of an outbound message (outbox.MessageStatus), beside the outbox's own
-- effect status: pending → sent → delivered → read, or failed (terminal). NULL for effects that are
-- not messages (state changes, read receipts).
ALTER TABLE effects ADD COLUMN message_status text;
ALTER TABLE effects ADD COLUMN external_id    text;
ALTER TABLE effects ADD COLUMN delivered_at   timestamptz;
ALTER TABLE effects ADD COLUMN read_at        timestamptz;
ALTER TABLE effects ADD COLUMN failed_at      timestamptz;
ALTER TABLE effects ADD COLUMN failure_code   text;
ALTER TABLE effects ADD COLUMN failure_reason text;
UPDATE effects SET message_status = CASE WHEN status = 'sent' THEN 'sent' ELSE 'pending' END WHERE type = 'message';
ALTER TABLE effects ADD CONSTRAINT effects_message_status
    CHECK (message_status IN ('pending', 'sent', 'delivered', 'read', 'failed'));
ALTER TABLE effects ADD CONSTRAINT effects_failed_has_reason
    CHECK ((message_status = 'failed') = (failed_at IS NOT NULL));
-- status callbacks find their message by the channel's id for it (a WhatsApp wamid)
CREATE UNIQUE INDEX effects_external_id ON effects (external_id) WHERE external_id IS NOT NULL;

-- a channel refused the effect for good (e.g. WhatsApp 131047, the 24-hour window closed): not
-- retried, not a dead letter
ALTER TABLE effects DROP CONSTRAINT effects_status;
ALTER TABLE effects ADD CONSTRAINT effects_status
    CHECK (status IN ('pending', 'failed', 'awaiting_client', 'sent', 'dead', 'undeliverable'));

-- A status callback that arrived before the send's own response recorded the external id (Meta can
-- be faster than its HTTP answer). Applied, then deleted, when the id is recorded; both sides take
-- the same advisory lock on the id, so one of them always sees the other.
CREATE TABLE early_receipts (
    tenant_id       uuid        NOT NULL,
    external_id     text        NOT NULL,
    status          text        NOT NULL,
    occurred_at     timestamptz NOT NULL,
    failure_code    text,
    failure_reason  text,
    received_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (external_id, status),
    CONSTRAINT early_receipts_status CHECK (status IN ('sent', 'delivered', 'read', 'failed'))
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['whatsapp_channels', 'customers', 'early_receipts'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I '
                       'USING (tenant_id = NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid) '
                       'WITH CHECK (tenant_id = NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid)', t);
    END LOOP;
END
$$;
