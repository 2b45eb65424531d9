-- A client message id (a web client's id, a WhatsApp wamid) is unique within its session. Only
-- inbound events carry one; the derived events, most of the log, had an entry in this index all
-- the same (NULLs are indexed). As a partial index they add none (ADR 0025). Appends tell a repeated
-- id by this index's unique violation, so no ON CONFLICT names it.
ALTER TABLE events DROP CONSTRAINT events_client_msg_id;
CREATE UNIQUE INDEX events_client_msg_id ON events (session_id, client_msg_id) WHERE client_msg_id IS NOT NULL;
