package dev.switchboard.desk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.ops.LoopThread;
import dev.switchboard.storage.Pipeline;
import dev.switchboard.tenants.TenantId;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Numbers the desk feed in commit order (ADR 0011). Ids taken from a sequence are not commit-ordered:
 * a transaction holding id 9 may commit after the one holding id 10, and a reader that had passed 10
 * would never see 9. So no reader pages by id: this one thread, in its own transaction (which sees
 * only committed rows), gives each committed row the next cursor of its tenant. A row committed late
 * is numbered late; a reader's cursor can never be past a row it has not seen. An advisory lock makes
 * it one sequencer per database, whatever the number of nodes.
 *
 * <p>On the other nodes this thread follows: it reads what the sequencer numbered, for the tenants
 * whose desks are connected here, when the sequencer's Redis announcement names the tenant, and every
 * {@code FOLLOW_POLL_NANOS} without one (Redis down or an announcement lost: slower, nothing missed).
 */
@ApplicationScoped
class FeedSequencer {
    private static final Logger LOG = Logger.getLogger(FeedSequencer.class);
    private static final long LOCK = 0x5357_4445_534bL; // "SWDESK"
    private static final int BATCH = 500;
    private static final long FOLLOW_POLL_NANOS = 1_000_000_000L;

    /** A numbered frame, written out once for every socket that sends it. */
    record Numbered(TenantId tenant, long cursor, String text) {
    }

    /** A row just numbered: its last frame's cursor. */
    record Change(long id, TenantId tenant, long cursor) {
    }

    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final DeskConnections connections;
    private final DeskAnnouncements announcements;
    private final Semaphore wake = new Semaphore(0);
    /** Tenants another node's sequencer announced; read by the follower. */
    private final Set<TenantId> announced = ConcurrentHashMap.newKeySet();
    private final LoopThread loop = new LoopThread("desk-feed-sequencer");
    private long followedAt;

    FeedSequencer(DataSource dataSource, ObjectMapper mapper, DeskConnections connections,
            DeskAnnouncements announcements) {
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.connections = connections;
        this.announcements = announcements;
    }

    void onWritten(@Observes(during = TransactionPhase.AFTER_SUCCESS) DeskFeed.FeedWritten written) {
        wake.release();
    }

    void onAnnounced(@Observes DeskAnnouncements.Numbered numbered) {
        if (connections.hasTenant(numbered.tenant())) {
            announced.add(numbered.tenant());
            wake.release();
        }
    }

    void start(@Observes StartupEvent ignored) {
        loop.start(this::run);
    }

    void stop(@Observes ShutdownEvent ignored) {
        loop.stop();
    }

    private void run() {
        while (loop.running()) {
            try {
                // woken by a commit; the poll covers other nodes' writes and a missed signal
                wake.tryAcquire(200, TimeUnit.MILLISECONDS);
                wake.drainPermits();
                Optional<List<Change>> numbered;
                do {
                    numbered = numberOnce();
                    numbered.filter(changes -> !changes.isEmpty()).ifPresent(changes -> {
                        connections.deliver(framesHere(changes));
                        announcements.announce(changes);
                    });
                } while (numbered.isPresent() && numbered.get().size() == BATCH);
                if (numbered.isEmpty()) {
                    follow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warnf("desk feed sequencing failed: %s", e.getClass().getName());
            }
        }
    }

    /** Another node sequences: deliver what it numbered for the tenants connected here. */
    private void follow() {
        Set<TenantId> tenants = new HashSet<>(announced);
        announced.removeAll(tenants);
        long now = System.nanoTime();
        if (now - followedAt >= FOLLOW_POLL_NANOS) {
            followedAt = now;
            tenants.addAll(connections.tenants());
        }
        for (TenantId tenant : tenants) {
            OptionalLong floor = connections.floor(tenant);
            if (floor.isEmpty()) {
                continue;
            }
            List<Numbered> rows;
            long from = floor.getAsLong();
            do {
                rows = after(tenant, from, BATCH);
                if (!rows.isEmpty()) {
                    connections.deliver(rows);
                    from = rows.get(rows.size() - 1).cursor();
                }
            } while (rows.size() >= BATCH);
        }
    }

    /**
     * Numbers one batch of committed rows; empty when another node holds the sequencer's lock. The
     * lock and the numbering go in one round trip: the numbering runs only if the lock was taken, and
     * with a snapshot taken after it, so it sees what the last holder committed.
     */
    Optional<List<Change>> numberOnce() {
        return QuarkusTransaction.requiringNew().call(() -> {
            Pipeline pipeline = new Pipeline();
            Supplier<Boolean> held = pipeline.add(
                    "SELECT set_config('switchboard.sequencing', pg_try_advisory_xact_lock(?)::text, true) = 'true'",
                    arguments -> arguments.number(LOCK), (rows, count) -> rows.next() && rows.getBoolean(1));
            Supplier<List<Change>> changes = pipeline.add("""
                    WITH batch AS (SELECT id, tenant_id, frame_count FROM desk_changes
                                    WHERE cursor IS NULL AND current_setting('switchboard.sequencing', true) = 'true'
                                    ORDER BY id LIMIT ?),
                         numbered AS (
                           SELECT b.id, COALESCE((SELECT max(d.cursor) FROM desk_changes d
                                                   WHERE d.tenant_id = b.tenant_id), 0)
                                    + sum(b.frame_count) OVER (PARTITION BY b.tenant_id ORDER BY b.id) AS cursor
                             FROM batch b)
                    UPDATE desk_changes d SET cursor = n.cursor FROM numbered n WHERE d.id = n.id
                    RETURNING d.id, d.tenant_id, d.cursor""", arguments -> arguments.number(BATCH),
                    (rows, count) -> {
                        List<Change> numbered = new ArrayList<>();
                        while (rows.next()) {
                            numbered.add(new Change(rows.getLong(1), new TenantId((UUID) rows.getObject(2)),
                                    rows.getLong(3)));
                        }
                        return numbered;
                    });
            pipeline.run(dataSource);
            return held.get() ? Optional.of(changes.get()) : Optional.<List<Change>>empty();
        });
    }

    /**
     * The frames of the changes whose tenant has a desk connected here, each tenant's in cursor order;
     * the others need none. Read once the numbering has committed: a desk that connects after this read replays from the
     * database, which has them by then.
     */
    private List<Numbered> framesHere(List<Change> changes) {
        Set<TenantId> here = connections.tenants();
        List<Long> ids = changes.stream().filter(change -> here.contains(change.tenant())).map(Change::id).toList();
        if (ids.isEmpty()) {
            return List.of();
        }
        return QuarkusTransaction.requiringNew().call(() -> read(ids));
    }

    private List<Numbered> read(List<Long> ids) {
        List<Numbered> frames = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT tenant_id, cursor, frames::text FROM desk_changes WHERE id = ANY (?) ORDER BY cursor")) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    expand(new TenantId((UUID) rs.getObject(1)), rs.getLong(2), rs.getString(3), frames);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not read numbered desk changes", e);
        }
        return frames; // a tenant's rows hold disjoint runs of cursors, so ordered rows give ordered frames
    }

    /** The tenant's frames after {@code cursor}, in order: a reconnecting desk's replay (a page of rows). */
    List<Numbered> after(TenantId tenant, long cursor, int limit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT cursor, frames::text FROM desk_changes WHERE tenant_id = ? AND cursor > ? "
                            + "ORDER BY cursor LIMIT ?")) {
                ps.setObject(1, tenant.value());
                ps.setLong(2, cursor);
                ps.setInt(3, limit);
                List<Numbered> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        expand(tenant, rs.getLong(1), rs.getString(2), rows);
                    }
                }
                rows.removeIf(row -> row.cursor() <= cursor); // the first row may begin before the cursor
                return rows;
            } catch (SQLException e) {
                throw new IllegalStateException("could not read the desk feed", e);
            }
        });
    }

    /** The frames of one row with their cursors: the row's cursor is its last frame's. */
    private void expand(TenantId tenant, long lastCursor, String framesJson, List<Numbered> into) throws Exception {
        JsonNode frames = mapper.readTree(framesJson);
        long first = lastCursor - frames.size() + 1;
        for (int i = 0; i < frames.size(); i++) {
            ObjectNode frame = ((ObjectNode) frames.get(i)).put("cursor", String.valueOf(first + i));
            into.add(new Numbered(tenant, first + i, mapper.writeValueAsString(frame)));
        }
    }

    /** The tenant's last cursor (0 before its first change). */
    long last(TenantId tenant) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT COALESCE(max(cursor), 0) FROM desk_changes WHERE tenant_id = ?")) {
                ps.setObject(1, tenant.value());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

}
