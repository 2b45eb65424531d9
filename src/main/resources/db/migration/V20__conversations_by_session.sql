-- A session's newest conversation (ConversationStore.latestOf: every WhatsApp send confirmation, every
-- status webhook, the Genesys bridge) was a sequential scan of the tenant-wide table and a sort:
-- 5.4 ms at 100,000 conversations. The partial unique index holds unresolved conversations only.
CREATE INDEX conversations_by_session ON conversations (session_id, first_seq);
