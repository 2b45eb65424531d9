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
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A channel that keeps failing on a quiet line (too few sends to open its breaker) loses nothing
 * within the retry window: the effect is retried past max-attempts (3 in tests) until it is older
 * than {@code retry-for}, and only then dead-lettered.
 */
@QuarkusTest
@TestProfile(RetryWindowTest.Window.class)
class RetryWindowTest {
    public static class Window implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("switchboard.outbox.retry-for", "1h");
        }
    }

    @Inject
    EventStore events;
    @Inject
    DataSource dataSource;

    @Test
    void aFailingEffectIsRetriedPastItsAttemptsWithinTheWindowAndDeadLetteredAfterIt() {
        Db db = new Db(dataSource);
        TenantId tenant = new TenantId(UUID.fromString(Tenants.create("window-" + UUID.randomUUID()).tenantId()));
        events.appendUserMessage(new SessionAddress(tenant, ScriptedChannel.NAME, "down-window"), "m0", "hello", null);
        long sessionId = db.count("SELECT id FROM sessions WHERE tenant_id = ?::uuid AND external_key = 'down-window'",
                tenant.toString());
        String reply = "FROM effects WHERE session_id = ? AND seq = 1";
        Eventually.within(Duration.ofSeconds(30), "a fourth attempt, and still not dead",
                () -> db.count("SELECT count(*) " + reply + " AND attempts >= 4 AND status <> 'dead'", sessionId) == 1);
        assertEquals(0, db.count("SELECT count(*) " + reply + " AND status = 'dead'", sessionId));

        // the window is over for this effect: its next failure is its last
        db.update("UPDATE effects SET created_at = now() - interval '2 hours' WHERE session_id = ? AND seq = 1",
                sessionId);
        Eventually.within(Duration.ofSeconds(30), "dead-lettered once the window is over",
                () -> db.count("SELECT count(*) " + reply + " AND status = 'dead'", sessionId) == 1);
    }
}
