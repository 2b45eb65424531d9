-- What the operators' gauges count every few seconds, each from a small partial index instead of a
-- scan: sessions that are not active (quarantined, corrupt), and dead letters.
CREATE INDEX sessions_not_active ON sessions (status) WHERE status <> 'active';
CREATE INDEX effects_dead ON effects (channel) WHERE status = 'dead';
