-- Core schema: tenants, the append-only event log, session state and the outbox.

CREATE TABLE tenants (
    id          uuid PRIMARY KEY,
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    id           uuid PRIMARY KEY,
    tenant_id    uuid        NOT NULL REFERENCES tenants (id),
    key_hash     text        NOT NULL UNIQUE,
    prefix       text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id);

CREATE TABLE sessions (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id         uuid        NOT NULL REFERENCES tenants (id),
    channel           text        NOT NULL,
    external_key      text        NOT NULL,
    state             text        NOT NULL,
    data              jsonb       NOT NULL DEFAULT '{}'::jsonb,
    version           bigint      NOT NULL DEFAULT 0,
    checksum          text        NOT NULL,
    last_seq          bigint      NOT NULL DEFAULT 0,   -- highest event seq (any type)
    last_inbound_seq  bigint      NOT NULL DEFAULT 0,   -- highest event seq that needs processing
    processed_seq     bigint      NOT NULL DEFAULT 0,   -- processing cursor: inbound events up to here are done
    effect_seq        bigint      NOT NULL DEFAULT 0,   -- highest effect seq
    acked_effect_seq  bigint      NOT NULL DEFAULT 0,   -- highest effect seq a client confirmed
    status            text        NOT NULL DEFAULT 'active',
    last_activity_at  timestamptz NOT NULL DEFAULT now(),
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sessions_natural_key UNIQUE (tenant_id, channel, external_key),
    CONSTRAINT sessions_cursor_sane CHECK (processed_seq <= last_inbound_seq AND last_inbound_seq <= last_seq)
);
-- the recovery sweep looks only at sessions with unprocessed inbound events
CREATE INDEX sessions_behind ON sessions (id) WHERE processed_seq < last_inbound_seq AND status = 'active';

CREATE TABLE events (
    tenant_id       uuid        NOT NULL,
    session_id      bigint      NOT NULL REFERENCES sessions (id),
    seq             bigint      NOT NULL,
    type            text        NOT NULL,
    payload         jsonb       NOT NULL,
    client_msg_id   text,
    correlation_id  text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, seq),
    CONSTRAINT events_client_msg_id UNIQUE (session_id, client_msg_id)
);

CREATE TABLE effects (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id        uuid        NOT NULL,
    session_id       bigint      NOT NULL REFERENCES sessions (id),
    channel          text        NOT NULL,
    session_key      text        NOT NULL,   -- the session's external key, so delivery needs no join
    seq              bigint      NOT NULL,
    reply_to         bigint      NOT NULL,
    type             text        NOT NULL,
    payload          jsonb       NOT NULL,
    dedupe_key       text        NOT NULL UNIQUE,
    status           text        NOT NULL DEFAULT 'pending',
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz,
    CONSTRAINT effects_session_seq UNIQUE (session_id, seq),
    CONSTRAINT effects_status CHECK (status IN ('pending', 'sent', 'failed', 'dead'))
);
-- the outbox sweep: due effects only; NULL next_attempt_at means "waiting for the client to resume"
CREATE INDEX effects_due ON effects (next_attempt_at) WHERE status IN ('pending', 'failed') AND next_attempt_at IS NOT NULL;
CREATE INDEX effects_pending_age ON effects (created_at) WHERE status IN ('pending', 'failed');
