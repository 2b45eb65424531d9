package dev.switchboard.outbox;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.events.EventStore;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import dev.switchboard.tenants.TenantId;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Delivery to a channel that can fail: retries with backoff, per-session order, dead letters. */
@QuarkusTest
class OutboxDeliveryTest {
    @Inject
    EventStore events;
    @Inject
    ScriptedChannel channel;
    @Inject
    DataSource dataSource;

    Db db;
    TenantId tenant;

    @BeforeEach
    void setUp() {
        db = new Db(dataSource);
        tenant = new TenantId(UUID.fromString(Tenants.create("outbox-" + UUID.randomUUID()).tenantId()));
    }

    private SessionAddress address(String key) {
        return new SessionAddress(tenant, ScriptedChannel.NAME, key);
    }

    @Test
    void aFailingDeliveryIsRetriedAndLaterEffectsWaitSoTheSessionStaysInOrder() {
        channel.failNext("flaky", 2);
        for (int i = 0; i < 3; i++) {
            events.appendUserMessage(address("flaky"), "m" + i, "message " + i, null);
        }
        long sessionId = db.count("SELECT id FROM sessions WHERE tenant_id = ?::uuid AND external_key = 'flaky'",
                tenant.toString());
        Eventually.within(Duration.ofSeconds(20), "all effects sent",
                () -> db.count("SELECT count(*) FROM effects WHERE session_id = ? AND status = 'sent'", sessionId) == 4);
        List<Long> delivered = channel.delivered("flaky");
        assertEquals(LongStream.rangeClosed(1, 4).boxed().toList(), delivered,
                "delivered once each, in seq order, despite the failures");
        assertEquals(3, db.count("SELECT attempts FROM effects WHERE session_id = ? AND seq = 1", sessionId),
                "two failures, then success");
    }

    @Test
    void anEffectThatKeepsFailingIsDeadLetteredAfterTheConfiguredAttempts() {
        events.appendUserMessage(address("down-1"), "m0", "hello", null);
        long sessionId = db.count("SELECT id FROM sessions WHERE tenant_id = ?::uuid AND external_key = 'down-1'",
                tenant.toString());
        Eventually.within(Duration.ofSeconds(20), "dead-lettered",
                () -> db.count("SELECT count(*) FROM effects WHERE session_id = ? AND seq = 1 AND status = 'dead'",
                        sessionId) == 1);
        assertEquals(3, db.count("SELECT attempts FROM effects WHERE session_id = ? AND seq = 1", sessionId));
        assertTrue(db.text("SELECT last_error FROM effects WHERE session_id = ? AND seq = 1", sessionId)
                .contains("scripted outage"));
        long id = db.count("SELECT id FROM effects WHERE session_id = ? AND seq = 1", sessionId);
        given().auth().oauth2(Tenants.ADMIN_TOKEN).get("/api/v1/admin/dead-letters/" + id).then().statusCode(200)
                .body("status", equalTo("dead")).body("failures.attempt", contains(1, 2, 3))
                .body("failures.error", everyItem(equalTo("scripted outage")));
    }
}
