-- The desk feed (ADR 0011): every change of a tenant's conversations, numbered in commit order per
-- tenant by one sequencer after the writing transaction committed.
CREATE TABLE desk_changes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   uuid        NOT NULL,
    session_id  bigint      NOT NULL,   -- whose content it may carry (erasure)
    cursor      bigint,                 -- NULL until the sequencer numbers it
    frame       jsonb       NOT NULL,   -- the frame without its cursor
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT desk_changes_cursor UNIQUE (tenant_id, cursor)
);
-- the sequencer's work: committed rows not numbered yet
CREATE INDEX desk_changes_unnumbered ON desk_changes (id) WHERE cursor IS NULL;
CREATE INDEX desk_changes_session ON desk_changes (session_id);

ALTER TABLE desk_changes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON desk_changes
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
