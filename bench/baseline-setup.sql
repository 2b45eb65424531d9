-- Prepares the baseline schema: the service's own tables (applied from its Flyway migrations by
-- run.sh), one tenant and the sessions pgbench's clients write to.
INSERT INTO tenants (id, name) VALUES ('00000000-0000-0000-0000-0000000000b0', 'baseline');
INSERT INTO sessions (tenant_id, channel, external_key, state, checksum)
SELECT '00000000-0000-0000-0000-0000000000b0', 'web', 'b' || g, 'idle', 'x'
  FROM generate_series(1, :sessions) g;
