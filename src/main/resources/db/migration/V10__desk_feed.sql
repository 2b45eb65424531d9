-- The desk feed (ADR 0011): every change of a tenant's conversations, numbered in commit order per
-- tenant by one sequencer after the writing transaction committed. A row holds the frames of one
-- change (a message and its reply): frame i of a row has cursor (cursor - frame_count + 1 + i).
CREATE TABLE desk_changes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   uuid        NOT NULL,
    session_id  bigint      NOT NULL,   -- whose content it may carry (erasure)
    cursor      bigint,                 -- the cursor of its last frame; NULL until the sequencer numbers it
    frames      jsonb       NOT NULL,   -- the frames one transaction wrote (an array), without their cursors
    frame_count integer     NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT desk_changes_cursor UNIQUE (tenant_id, cursor),
    CONSTRAINT desk_changes_frames CHECK (frame_count = jsonb_array_length(frames) AND frame_count > 0)
);
-- the sequencer's work: committed rows not numbered yet
CREATE INDEX desk_changes_unnumbered ON desk_changes (id) WHERE cursor IS NULL;
CREATE INDEX desk_changes_session ON desk_changes (session_id);

ALTER TABLE desk_changes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON desk_changes
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- the inbox of one status other than pending: most recently active first
CREATE INDEX conversations_by_activity ON conversations (tenant_id, status, last_activity_at DESC, id);
