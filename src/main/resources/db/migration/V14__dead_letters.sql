-- Dead letters an operator can act on (issue 16): the error of each failed attempt is kept (the last
-- 20, oldest first), a retried dead letter says when it was retried, and a dead letter the operator
-- gave up on is 'discarded': kept for the record, never attempted, no longer counted as dead.
ALTER TABLE effects ADD COLUMN failures jsonb NOT NULL DEFAULT '[]';
ALTER TABLE effects ADD COLUMN retried_at timestamptz;
ALTER TABLE effects DROP CONSTRAINT effects_status;
ALTER TABLE effects ADD CONSTRAINT effects_status
    CHECK (status IN ('pending', 'failed', 'awaiting_client', 'sent', 'dead', 'undeliverable', 'discarded'));
