package dev.switchboard.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.events.EventStore;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import dev.switchboard.tenants.TenantId;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A backlog of due effects larger than one claim is drained by one sweep, not one claim per interval. */
@QuarkusTest
@TestProfile(SweepBacklogTest.SmallClaims.class)
class SweepBacklogTest {
    /** Two effects per claim, and no scheduled sweep during the test: the test runs the sweep itself. */
    public static class SmallClaims implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("switchboard.outbox.sweep-batch", "2", "switchboard.outbox.sweep-interval", "1h");
        }
    }

    private static final int SESSIONS = 7;

    @Inject
    EventStore events;
    @Inject
    ScriptedChannel channel;
    @Inject
    EffectRunner runner;
    @Inject
    DataSource dataSource;

    @Test
    void oneSweepDrainsABacklogOfManyClaims() {
        Db db = new Db(dataSource);
        String tenantId = Tenants.create("backlog-" + UUID.randomUUID()).tenantId();
        TenantId tenant = new TenantId(UUID.fromString(tenantId));
        String key = "backlog-" + UUID.randomUUID() + "-";
        for (int i = 0; i < SESSIONS; i++) {
            channel.failNext(key + i, 1);
            events.appendUserMessage(new SessionAddress(tenant, ScriptedChannel.NAME, key + i), "m", "hello", null);
        }
        Eventually.within(Duration.ofSeconds(20), "every session's first delivery failed",
                () -> db.count("SELECT count(DISTINCT session_id) FROM effects WHERE tenant_id = ?::uuid "
                        + "AND status = 'failed'", tenantId) == SESSIONS);
        long effects = db.count("SELECT count(*) FROM effects WHERE tenant_id = ?::uuid", tenantId);
        String due = "SELECT count(*) FROM effects WHERE tenant_id = ?::uuid AND status IN ('pending', 'failed') "
                + "AND next_attempt_at <= now()";
        // each session's first delivery failed, so its lane left the rest to the sweep: the failed effect is due
        // after its backoff, the later ones when their lane's lease (5 s here) is over
        Eventually.within(Duration.ofSeconds(20), "every effect is due for the sweep",
                () -> db.count(due, tenantId) == effects);

        runner.sweep();

        long delivered = IntStream.range(0, SESSIONS).mapToLong(i -> channel.delivered(key + i).size()).sum();
        assertEquals(effects, delivered,
                "one sweep, claiming two at a time, delivered every effect of the " + SESSIONS + " sessions");
    }
}
