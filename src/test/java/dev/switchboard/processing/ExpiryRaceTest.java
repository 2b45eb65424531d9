package dev.switchboard.processing;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.switchboard.events.EventStore;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.sessions.SessionState;
import dev.switchboard.sessions.SessionStore;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import dev.switchboard.tenants.DatabaseScope;
import dev.switchboard.tenants.TenantId;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ExpiryRaceTest {
    @Inject
    InactivityExpiry expiry;
    @Inject
    SessionScheduler scheduler;
    @Inject
    RecoverySweep sweep;
    @Inject
    SessionStore sessions;
    @Inject
    EventStore events;
    @Inject
    DataSource dataSource;

    @Test
    void aMessageAppendedBeforeTheExpiryCommitsWinsAndKeepsTheCollectedSlots() {
        Tenants.Credentials tenant = Tenants.create("expiry-race-" + UUID.randomUUID());
        Db db = new Db(dataSource);
        given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body("{\"id\":\"m1\",\"text\":\"book a haircut tomorrow\"}")
                .post("/api/v1/sessions/race/messages").then().statusCode(202);
        Eventually.within(Duration.ofSeconds(10), "first message processed", () -> db.count(
                "SELECT count(*) FROM sessions WHERE tenant_id = ?::uuid AND processed_seq = last_inbound_seq "
                        + "AND processed_seq > 0", tenant.tenantId()) == 1);
        long id = db.count("SELECT id FROM sessions WHERE tenant_id = ?::uuid", tenant.tenantId());
        db.update("UPDATE sessions SET last_activity_at = now() - interval '2 days' WHERE id = ?", id);

        scheduler.stop();
        try {
            SessionState loadedByExpiry = sessions.load(id).orElseThrow();
            SessionAddress address = SessionAddress.web(new TenantId(UUID.fromString(tenant.tenantId())), "race");
            DatabaseScope.asTenant(address.tenant(), () -> {
                events.appendUserMessage(address, "m2", "at 10am", null);
            });
            assertFalse(expiry.expire(loadedByExpiry, Instant.now().minus(Duration.ofDays(1))),
                    "the message that arrived first wins");
            SessionState now = sessions.load(id).orElseThrow();
            org.junit.jupiter.api.Assertions.assertNotEquals("expired", now.state());
            assertEquals("haircut", ((Map<?, ?>) now.data().get("slots")).get("service"), "the slots are kept");
        } finally {
            scheduler.start();
        }
        sweep.sweep();
        Eventually.within(Duration.ofSeconds(10), "the second message is answered with the slots of the first",
                () -> db.count("SELECT count(*) FROM effects WHERE session_id = ? AND type = 'message' "
                        + "AND payload->>'text' LIKE 'Shall I book a haircut%'", id) == 1);
    }
}
