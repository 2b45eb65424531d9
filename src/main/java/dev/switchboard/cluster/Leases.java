package dev.switchboard.cluster;

import dev.switchboard.storage.Jdbc;
import dev.switchboard.storage.Pipeline;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Which partitions of sessions this node owns (ADR 0017). PostgreSQL decides: a lease row per
 * partition with its owner, an epoch that grows with every takeover, and an expiry in database time.
 * Nodes renew theirs, take free or expired ones up to their fair share of the live nodes, and give
 * away what is above it. Safety rests on {@link #fence}, never on timing: every processing
 * transaction share-locks the lease rows of its sessions and commits only while this node still
 * holds them at the epoch it knows, so a node paused past its lease fails its commit when it resumes.
 * One node alone owns every partition: the same path as before there were several.
 */
@ApplicationScoped
public class Leases {
    private static final Logger LOG = Logger.getLogger(Leases.class);

    private final DataSource dataSource;
    private final ClusterConfig config;
    private final Event<PartitionsAcquired> acquired;
    private final String node = UUID.randomUUID().toString();
    /** Partition → the epoch this node holds it at. */
    private final Map<Integer, Long> owned = new ConcurrentHashMap<>();
    private final Counter fenced;

    Leases(DataSource dataSource, ClusterConfig config, Event<PartitionsAcquired> acquired, MeterRegistry registry) {
        this.fenced = Counter.builder("switchboard.cluster.fenced")
                .description("Processing commits refused: this node no longer held the partition at its epoch")
                .register(registry);
        Gauge.builder("switchboard.cluster.partitions.owned", owned, Map::size)
                .description("Partitions of sessions this node processes").register(registry);
        this.dataSource = dataSource;
        this.config = config;
        this.acquired = acquired;
    }

    /** Before anything processes (the recovery sweep runs at start too): seed the lease rows, take a share. */
    void start(@Observes @Priority(100) StartupEvent ignored) {
        QuarkusTransaction.requiringNew().run(this::seed);
        renew();
    }

    /** A node that stops cleanly hands its partitions over at once instead of when its leases expire. */
    void stop(@Observes ShutdownEvent ignored) {
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                execute("UPDATE partition_leases SET owner = NULL, expires_at = NULL WHERE owner = ?", node);
                execute("DELETE FROM cluster_nodes WHERE node = ?", node);
            });
            owned.clear();
        } catch (RuntimeException e) {
            LOG.warnf("could not hand this node's partitions over (%s); they expire", e.getClass().getName());
        }
    }

    public String node() {
        return node;
    }

    public int partitionOf(long sessionId) {
        return (int) Math.floorMod(sessionId, (long) config.partitions());
    }

    /** Whether this node holds {@code partition} now (as far as it knows: {@link #fence} is the proof). */
    public boolean holdsPartition(int partition) {
        return owned.containsKey(partition);
    }

    /** Whether this node owns the session's partition now (as far as it knows: {@link #fence} is the proof). */
    public boolean owns(long sessionId) {
        return holdsPartition(partitionOf(sessionId));
    }

    public int ownedCount() {
        return owned.size();
    }

    /**
     * In the caller's processing transaction: share-locks the lease rows of these sessions'
     * partitions (a takeover waits for this transaction) and throws {@link LeaseLost} unless this
     * node holds every one, unexpired, at the epoch it knows.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void fence(Collection<Long> sessionIds) {
        Pipeline pipeline = new Pipeline();
        fenceIn(pipeline, sessionIds);
        pipeline.run(dataSource);
    }

    /**
     * {@link #fence} as the first statement of a pipeline: the statements after it run, and its
     * check throws when the results are read, so the transaction commits nothing.
     */
    public void fenceIn(Pipeline pipeline, Collection<Long> sessionIds) {
        Map<Integer, Long> expected = new HashMap<>();
        for (long sessionId : sessionIds) {
            int partition = partitionOf(sessionId);
            Long epoch = owned.get(partition);
            if (epoch == null) {
                throw new LeaseLost(partition);
            }
            expected.put(partition, epoch);
        }
        // one partition (every commit of one session) is asked for by "=": PostgreSQL keeps a generic plan
        // of that statement, while it plans "= ANY (?)" again on every execution (ADR 0025)
        boolean one = expected.size() == 1;
        pipeline.add("SELECT partition, epoch FROM partition_leases WHERE partition " + (one ? "= ?" : "= ANY (?)")
                + " AND owner = ? AND expires_at > now() FOR SHARE",
                arguments -> (one ? arguments.number(expected.keySet().iterator().next())
                        : arguments.array("integer", List.copyOf(expected.keySet()))).string(node),
                (rows, count) -> {
                    Map<Integer, Long> held = new HashMap<>();
                    while (rows.next()) {
                        held.put(rows.getInt(1), rows.getLong(2));
                    }
                    for (Map.Entry<Integer, Long> partition : expected.entrySet()) {
                        if (!partition.getValue().equals(held.get(partition.getKey()))) {
                            owned.remove(partition.getKey(), partition.getValue());
                            fenced.increment();
                            throw new LeaseLost(partition.getKey());
                        }
                    }
                    return null;
                });
    }

    /** Renews this node's leases, takes its fair share of the free or expired ones, and gives away the rest. */
    @Scheduled(every = "${switchboard.cluster.renew-interval:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void renew() {
        // one balance at a time (the start and the first scheduled run meet): each judges the whole map
        synchronized (owned) {
            int before = owned.size();
            try {
                Set<Integer> taken = QuarkusTransaction.requiringNew().call(this::balance);
                if (owned.size() != before) {
                    LOG.infof("node %s owns %d of %d partitions (was %d)", node, owned.size(), config.partitions(),
                            before);
                }
                if (!taken.isEmpty()) {
                    acquired.fire(new PartitionsAcquired(taken));
                }
            } catch (RuntimeException e) {
                LOG.warnf("could not renew this node's leases (%s)", e.getClass().getName());
            }
        }
    }

    private Set<Integer> balance() {
        long ttl = config.leaseTtl().toMillis();
        execute("INSERT INTO cluster_nodes (node, heartbeat_at) VALUES (?, now()) ON CONFLICT (node) DO UPDATE "
                + "SET heartbeat_at = now()", node);
        Map<Integer, Long> renewed = partitions("UPDATE partition_leases SET expires_at = now() + ? * interval '1 millisecond' "
                + "WHERE owner = ? AND expires_at > now() RETURNING partition, epoch", ttl, node);
        owned.keySet().retainAll(renewed.keySet()); // what expired while this node was away is not its any more
        owned.putAll(renewed);
        long live = count("SELECT count(*) FROM cluster_nodes WHERE heartbeat_at > now() - ? * interval '1 millisecond'",
                ttl);
        int share = (int) Math.ceil(config.partitions() / (double) Math.max(1, live));
        Set<Integer> taken = new HashSet<>();
        if (owned.size() < share) {
            Map<Integer, Long> took = partitions("UPDATE partition_leases SET owner = ?, epoch = epoch + 1, "
                    + "expires_at = now() + ? * interval '1 millisecond' WHERE partition IN (SELECT partition FROM "
                    + "partition_leases WHERE owner IS NULL OR expires_at <= now() ORDER BY partition LIMIT ? "
                    + "FOR UPDATE SKIP LOCKED) RETURNING partition, epoch", node, ttl, share - owned.size());
            owned.putAll(took);
            taken.addAll(took.keySet());
        } else if (owned.size() > share + 1) {
            // give back the extra partitions, so that a node that joined gets its share
            Set<Integer> extra = new HashSet<>(owned.keySet().stream().sorted().skip(share).toList());
            for (int partition : extra) {
                owned.remove(partition);
            }
            executeArray("UPDATE partition_leases SET owner = NULL, expires_at = NULL WHERE owner = ? "
                    + "AND partition = ANY (?)", node, extra);
        }
        execute("DELETE FROM cluster_nodes WHERE heartbeat_at < now() - interval '1 hour'");
        return taken;
    }

    private void seed() {
        execute("INSERT INTO partition_leases (partition) SELECT g FROM generate_series(0, ? - 1) g "
                + "ON CONFLICT DO NOTHING", config.partitions());
    }

    private Map<Integer, Long> partitions(String sql, Object... args) {
        Map<Integer, Long> found = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getInt(1), rs.getLong(2));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new IllegalStateException("could not update partition leases", e);
        }
    }

    private long count(String sql, Object arg) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not count live nodes", e);
        }
    }

    private void execute(String sql, Object... args) {
        Jdbc.update(dataSource, "update the cluster tables", sql, args);
    }

    private void executeArray(String sql, String owner, Set<Integer> partitions) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, owner);
            ps.setArray(2, c.createArrayOf("integer", partitions.toArray()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not give partitions away", e);
        }
    }
}
