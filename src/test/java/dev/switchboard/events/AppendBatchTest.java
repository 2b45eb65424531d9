package dev.switchboard.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import dev.switchboard.tenants.DatabaseScope;
import dev.switchboard.tenants.TenantId;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The appender writes a whole group commit in one statement: each session of the batch, new or
 * not, repeated or not, gets consecutive seqs in the order its messages were queued, and each event
 * names the inbound seq before it. The writer is held on a row lock while the batch queues, so the
 * batch is certain, not a matter of timing.
 */
@QuarkusTest
class AppendBatchTest {
    private static final int QUEUED = 24;

    @Inject
    EventStore events;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    MeterRegistry registry;
    @Inject
    Seen seen;

    private final ExecutorService senders = Executors.newFixedThreadPool(QUEUED + 1);
    private TenantId tenant;
    private Db db;

    /** Every inbound event the appender announces, as it announces it (a singleton: no proxy before its field). */
    @Singleton
    static class Seen {
        final Queue<EventAppended> appended = new ConcurrentLinkedQueue<>();

        void on(@Observes EventAppended event) {
            appended.add(event);
        }
    }

    private record Sent(SessionAddress address, String clientId, String text) {
    }

    @BeforeEach
    void tenant() {
        tenant = new TenantId(UUID.fromString(Tenants.create("append-batch-" + UUID.randomUUID()).tenantId()));
        db = new Db(dataSource);
    }

    @AfterEach
    void stop() {
        senders.shutdownNow();
    }

    @Test
    void aBatchOfRepeatedAndNewSessionsGetsConsecutiveSeqsInQueueOrder() throws Exception {
        SessionAddress blocker = address("blocker");
        SessionAddress a = address("a");
        SessionAddress b = address("b");
        append(new Sent(blocker, "blocker-1", "first"));
        append(new Sent(a, "a-0", "before the batch"));
        long aBefore = lastInboundSeq(a);

        List<Sent> batch = new ArrayList<>();
        for (int i = 0; i < QUEUED; i++) {
            SessionAddress to = List.of(a, b, address("new"), a).get(i % 4);
            batch.add(new Sent(to, i % 3 == 0 ? null : "m-" + i, "message " + i));
        }
        DistributionSummary sizes = registry.get("switchboard.group.commit.size").tag("writer", "event-appender")
                .summary();
        long batchesBefore = sizes.count();
        double requestsBefore = sizes.totalAmount();
        Map<Sent, AppendResult> results = byMessage(batch, whileTheWriterIsHeld(blocker, batch));

        assertEquals(2, sizes.count() - batchesBefore, "the blocked append, then everything queued behind it");
        assertEquals(QUEUED + 1, sizes.totalAmount() - requestsBefore, 0.0);
        Map<SessionAddress, List<Sent>> bySession = batch.stream()
                .collect(Collectors.groupingBy(Sent::address, Collectors.toList()));
        for (List<Sent> sent : bySession.values()) {
            List<Long> seqs = sent.stream().map(s -> results.get(s).seq()).toList();
            long first = seqs.get(0);
            for (int i = 0; i < seqs.size(); i++) {
                assertEquals(first + i, seqs.get(i), "consecutive seqs, in the order queued: " + seqs);
            }
            for (Sent s : sent) {
                AppendResult result = results.get(s);
                assertEquals(s.text(), db.text("SELECT payload ->> 'text' FROM events WHERE session_id = ? AND seq = ?",
                        result.sessionId(), result.seq()), "each message at its own seq");
                assertEquals(s.clientId() == null ? "" : s.clientId(), db.text("SELECT coalesce(client_msg_id, '') "
                        + "FROM events WHERE session_id = ? AND seq = ?", result.sessionId(), result.seq()));
            }
            List<EventAppended> announced = seen.appended.stream()
                    .filter(e -> e.event().sessionId() == results.get(sent.get(0)).sessionId()
                            && e.event().seq() >= first)
                    .sorted(Comparator.comparingLong(e -> e.event().seq())).toList();
            assertEquals(seqs, announced.stream().map(e -> e.event().seq()).toList());
            long expectedFirstPrior = sent.get(0).address().equals(a) ? aBefore : 0;
            assertEquals(expectedFirstPrior, announced.get(0).priorInboundSeq(),
                    "the first names the session's last inbound seq before the batch (0 for a new session)");
            for (int i = 1; i < announced.size(); i++) {
                assertEquals(announced.get(i - 1).event().seq(), announced.get(i).priorInboundSeq());
            }
        }
        assertEquals(1, db.count("SELECT count(*) FROM sessions WHERE tenant_id = ?::uuid AND external_key = 'new'",
                tenant.toString()), "the new session created once");
        Eventually.within(Duration.ofSeconds(20), "every session processed", () -> db.count("SELECT count(*) FROM "
                + "sessions WHERE tenant_id = ?::uuid AND processed_seq < last_inbound_seq", tenant.toString()) == 0);
        for (String key : List.of("blocker", "a", "b", "new")) {
            assertEquals(db.count("SELECT last_seq FROM sessions WHERE tenant_id = ?::uuid AND external_key = ?",
                    tenant.toString(), key), db.count("SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id "
                    + "WHERE s.tenant_id = ?::uuid AND s.external_key = ?", tenant.toString(), key),
                    "the log of " + key + " has no gap");
        }
    }

    @Test
    void aRepeatedClientIdInTheBatchLeavesNoGapAndReturnsTheOriginal() throws Exception {
        SessionAddress blocker = address("blocker");
        SessionAddress a = address("a");
        append(new Sent(blocker, null, "first"));
        Counter fallbacks = registry.get("switchboard.group.commit.fallbacks").tag("writer", "event-appender").counter();
        double fallbacksBefore = fallbacks.count();
        List<Sent> batch = List.of(new Sent(a, "x", "once"), new Sent(a, "y", "other"), new Sent(a, "x", "once"),
                new Sent(address("b"), "x", "same id, another session"));

        List<AppendResult> results = whileTheWriterIsHeld(blocker, batch);

        assertEquals(1, fallbacks.count() - fallbacksBefore, 0.0, "the batch failed and ran one by one");
        List<AppendResult> forX = List.of(results.get(0), results.get(2));
        assertEquals(forX.get(0).seq(), forX.get(1).seq(), "the repeat answers with the original's seq");
        assertTrue(forX.get(0).duplicate() != forX.get(1).duplicate(), "one original, one duplicate: " + forX);
        assertTrue(!results.get(3).duplicate(), "a client id is unique per session only");
        Eventually.within(Duration.ofSeconds(20), "every session processed", () -> db.count("SELECT count(*) FROM "
                + "sessions WHERE tenant_id = ?::uuid AND processed_seq < last_inbound_seq", tenant.toString()) == 0);
        assertEquals(db.count("SELECT last_seq FROM sessions WHERE tenant_id = ?::uuid AND external_key = 'a'",
                tenant.toString()), db.count("SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id "
                + "WHERE s.tenant_id = ?::uuid AND s.external_key = 'a'", tenant.toString()), "no seq was lost");
        assertEquals(2, db.count("SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id WHERE "
                + "s.tenant_id = ?::uuid AND s.external_key = 'a' AND e.type = 'user_message'", tenant.toString()));
    }

    /**
     * Locks the blocker's session row, appends to it (the writer waits on the lock), queues the batch
     * in its order behind it, then lets go: the writer takes the whole batch at once.
     */
    private List<AppendResult> whileTheWriterIsHeld(SessionAddress blocker, List<Sent> batch) throws Exception {
        Gauge queued = registry.get("switchboard.group.commit.queue").tag("writer", "event-appender").gauge();
        List<Future<AppendResult>> pending = new ArrayList<>();
        Eventually.within(Duration.ofSeconds(20), "nothing left to process, so that only the appender meets the lock",
                () -> db.count("SELECT count(*) FROM sessions WHERE tenant_id = ?::uuid "
                        + "AND processed_seq < last_inbound_seq", tenant.toString()) == 0);
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try (PreparedStatement ps = lock.prepareStatement("SELECT id FROM sessions WHERE tenant_id = ?::uuid "
                    + "AND channel = ? AND external_key = ? FOR UPDATE")) {
                ps.setString(1, tenant.toString());
                ps.setString(2, blocker.channel());
                ps.setString(3, blocker.key());
                ps.executeQuery().close();
            }
            Future<AppendResult> held = senders.submit(() -> append(new Sent(blocker, null, "held")));
            Eventually.within(Duration.ofSeconds(10), "the writer waiting on the lock", () -> waitingOnLock() == 1);
            for (Sent sent : batch) {
                double before = queued.value();
                pending.add(senders.submit(() -> append(sent)));
                Eventually.within(Duration.ofSeconds(10), "queued in order", () -> queued.value() == before + 1);
            }
            lock.commit();
            held.get();
        }
        List<AppendResult> results = new ArrayList<>();
        for (Future<AppendResult> result : pending) {
            results.add(result.get());
        }
        return results;
    }

    /** The messages of the first test are all different: each is its own key. */
    private static Map<Sent, AppendResult> byMessage(List<Sent> batch, List<AppendResult> results) {
        Map<Sent, AppendResult> byMessage = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            byMessage.put(batch.get(i), results.get(i));
        }
        assertEquals(batch.size(), byMessage.size());
        return byMessage;
    }

    private long waitingOnLock() {
        return db.count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                + "AND wait_event_type = 'Lock' AND query LIKE 'WITH input AS%'"); // the appender's statement
    }

    private AppendResult append(Sent sent) {
        return DatabaseScope.asTenant(tenant, () -> events.appendUserMessage(sent.address(), sent.clientId(),
                sent.text(), null));
    }

    private long lastInboundSeq(SessionAddress address) {
        return db.count("SELECT last_inbound_seq FROM sessions WHERE tenant_id = ?::uuid AND external_key = ?",
                tenant.toString(), address.key());
    }

    private SessionAddress address(String key) {
        return SessionAddress.web(tenant, key);
    }
}
