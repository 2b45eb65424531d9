-- Retention deletes a tenant's settled effects (EffectStatus.SETTLED) older than its policy. Since
-- awaiting_client, undeliverable and discarded joined sent and dead, its condition no longer implied
-- effects_tenant_age's predicate, so every batch of every tenant scanned the whole table (96 to
-- 180 ms at 510,000 effects, against 0.04 ms with this index; BENCHMARKS.md).
-- On a large table, build this index beforehand with CREATE INDEX CONCURRENTLY and the same
-- definition: IF NOT EXISTS then skips the build here, which would hold writes to effects meanwhile.
CREATE INDEX IF NOT EXISTS effects_settled_age ON effects (tenant_id, created_at)
    WHERE status IN ('awaiting_client', 'sent', 'dead', 'undeliverable', 'discarded');
DROP INDEX IF EXISTS effects_tenant_age;
