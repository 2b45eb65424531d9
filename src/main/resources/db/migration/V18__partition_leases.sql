-- Several nodes over one database (issue 15, ADR 0017): each partition of sessions (session id modulo
-- switchboard.cluster.partitions) is leased by one node at a time. The epoch grows with every
-- takeover; processing transactions share-lock their partitions' rows and commit only at the epoch
-- their node holds. Times are the database's only.
CREATE TABLE partition_leases (
    partition   integer PRIMARY KEY,
    owner       text,
    epoch       bigint NOT NULL DEFAULT 0,
    expires_at  timestamptz
);

-- The nodes alive recently: each takes its share of the partitions (their number divided by these).
CREATE TABLE cluster_nodes (
    node          text PRIMARY KEY,
    heartbeat_at  timestamptz NOT NULL
);
