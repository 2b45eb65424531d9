-- Every message updates its session row twice (the append moves last_inbound_seq, processing moves
-- processed_seq). The partial index sessions_behind named both columns in its predicate, so neither
-- update could be HOT: each wrote new entries into every index of the table. Without it, both are
-- HOT (ADR 0024). The recovery sweep and the backlog gauge now read the table itself, which they
-- do every few seconds, not on every message. Free space on each page keeps the new row versions
-- on the page of the old ones.
DROP INDEX IF EXISTS sessions_behind;
ALTER TABLE sessions SET (fillfactor = 80);
