-- The end check of Genesys conversations takes them in turn, the least recently checked first, so a
-- few that cannot be checked (an open breaker, an organisation gone) never crowd out the others.
ALTER TABLE genesys_conversations ADD COLUMN checked_at timestamptz;
CREATE INDEX genesys_conversations_to_check ON genesys_conversations (checked_at NULLS FIRST, created_at)
    WHERE ended_at IS NULL;
