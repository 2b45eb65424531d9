-- Typed statuses (EffectStatus, SessionStatus) carried by the schema, and the quarantine of an
-- inbound event whose processing keeps failing.

-- Web replies wait for their client (live socket or resume) instead of sitting in 'pending' for
-- ever: they are not delivery lag and retention may remove them.
ALTER TABLE effects DROP CONSTRAINT effects_status;
UPDATE effects SET status = 'awaiting_client' WHERE status = 'pending' AND next_attempt_at IS NULL;
ALTER TABLE effects ADD CONSTRAINT effects_status
    CHECK (status IN ('pending', 'failed', 'awaiting_client', 'sent', 'dead'));
-- a reply waiting for its client is never attempted in the background
ALTER TABLE effects ADD CONSTRAINT effects_awaiting_client_not_due
    CHECK (status <> 'awaiting_client' OR next_attempt_at IS NULL);

-- the inbound event that stopped processing; set exactly while the session is quarantined
ALTER TABLE sessions ADD COLUMN quarantined_seq bigint;
ALTER TABLE sessions ADD CONSTRAINT sessions_status
    CHECK (status IN ('active', 'corrupt', 'quarantined'));
ALTER TABLE sessions ADD CONSTRAINT sessions_quarantine_names_event
    CHECK ((status = 'quarantined') = (quarantined_seq IS NOT NULL));
