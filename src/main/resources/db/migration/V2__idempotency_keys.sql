-- Idempotency-Key records for the HTTP API (issue: idempotent HTTP API).
-- tenant_id is the key's scope: the tenant of the API key, or the nil UUID for the admin API.
CREATE TABLE idempotency_keys (
    tenant_id         uuid        NOT NULL,
    key               text        NOT NULL,
    fingerprint       text        NOT NULL,               -- SHA-256 of method, path and canonical body
    status            text        NOT NULL,               -- in_progress | completed
    owner             uuid,                               -- the execution holding the key while in progress
    locked_until      timestamptz,                        -- after this an in-progress key may be reclaimed
    response_status   integer,
    response_headers  jsonb,
    response_body     bytea,
    created_at        timestamptz NOT NULL DEFAULT now(),
    expires_at        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, key),
    CONSTRAINT idempotency_keys_status CHECK (status IN ('in_progress', 'completed'))
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
