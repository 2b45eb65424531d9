package dev.switchboard.outbox;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.processing.ProcessingGauges;
import dev.switchboard.processing.SessionScheduler;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import dev.switchboard.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The gauges operators alert on count what the database holds: dead letters, corrupt sessions, the backlog. */
@QuarkusTest
class OperatorGaugesTest {
    @Inject
    DataSource dataSource;

    @Inject
    OutboxGauges outboxGauges;

    @Inject
    ProcessingGauges processingGauges;

    @Inject
    SessionScheduler scheduler;

    @Test
    void deadLettersAndCorruptSessionsAreCountedAndTheBacklogIsShown() {
        Tenants.Credentials tenant = Tenants.create("gauges");
        sayHello(tenant, "g1");
        Db db = new Db(dataSource);
        Eventually.within(Duration.ofSeconds(10), "answered", () -> db.count("SELECT count(*) FROM effects f JOIN "
                + "sessions s ON s.id = f.session_id WHERE s.tenant_id = ?::uuid AND f.type = 'message'",
                tenant.tenantId()) == 1);
        refresh();
        double dead = metric("switchboard_outbox_dead{channel=\"web\"");
        double corrupt = metric("switchboard_sessions_corrupt");

        db.update("UPDATE effects SET status = 'dead', next_attempt_at = NULL WHERE tenant_id = ?::uuid AND type = 'message'",
                tenant.tenantId());
        db.update("UPDATE sessions SET status = 'corrupt' WHERE tenant_id = ?::uuid", tenant.tenantId());
        refresh();
        assertEquals(dead + 1, metric("switchboard_outbox_dead{channel=\"web\""));
        assertEquals(corrupt + 1, metric("switchboard_sessions_corrupt"));
        assertTrue(metric("switchboard_outbox_pending{channel=\"web\"") >= 0, "delivery lag is counted per channel");
        assertTrue(metric("switchboard_outbox_oldest_pending_age_seconds{channel=\"whatsapp\"") >= 0);
        assertTrue(metric("switchboard_processing_sessions_behind") >= 0);
        assertTrue(metric("switchboard_processing_oldest_unprocessed_age_seconds") >= 0);
        assertTrue(metric("switchboard_sessions_quarantined") >= 0);
    }

    @Test
    void aReplyWaitingForItsClientIsNotDeliveryLag() {
        Tenants.Credentials tenant = Tenants.create("gauges-waiting");
        // sent over REST with no socket open: the web reply waits for its client to come back
        sayHello(tenant, "away");
        Db db = new Db(dataSource);
        String reply = "tenant_id = ?::uuid AND type = 'message'";
        Eventually.within(Duration.ofSeconds(10), "answered", () -> db.count("SELECT count(*) FROM effects WHERE "
                + reply + " AND status = 'awaiting_client'", tenant.tenantId()) == 1);
        // a month without the client: no other test leaves a reply that old
        db.update("UPDATE effects SET created_at = now() - interval '30 days' WHERE " + reply, tenant.tenantId());
        double month = Duration.ofDays(30).toSeconds();
        try {
            refresh();
            assertTrue(metric("switchboard_outbox_oldest_pending_age_seconds{channel=\"web\"") < month,
                    "a reply waiting for its client does not age the delivery lag");
            db.update("UPDATE effects SET status = 'pending', next_attempt_at = now() + interval '1 day' WHERE " + reply,
                    tenant.tenantId());
            // polled: a scheduled refresh that read before the update may write its figures after ours
            Eventually.within(Duration.ofSeconds(10), "the same reply, due for delivery, is lag", () -> {
                refresh();
                return metric("switchboard_outbox_oldest_pending_age_seconds{channel=\"web\"") >= month;
            });
            assertTrue(metric("switchboard_outbox_pending{channel=\"web\"") >= 1);
        } finally {
            db.update("UPDATE effects SET status = 'awaiting_client', next_attempt_at = NULL WHERE " + reply,
                    tenant.tenantId());
            refresh();
        }
    }

    @Test
    void aNodeFarBehindIsNotReadyUntilItCatchesUp() {
        Tenants.Credentials tenant = Tenants.create("backlog");
        scheduler.stop();
        try {
            TestClock.at(Instant.now().minus(Duration.ofHours(1))); // a message that has waited an hour
            sayHello(tenant, "late");
            TestClock.reset();
            refresh();
            given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'processing-backlog' }.status", equalTo("DOWN"));
            // the workers take nothing: once nothing has committed for longer than the limit (2 s), not live
            Eventually.within(Duration.ofSeconds(10), "stuck processing is not live", () -> {
                refresh();
                return given().get("/q/health/live").statusCode() == 503;
            });
            given().get("/q/health/live").then()
                    .body("checks.find { it.name == 'processing-progress' }.status", equalTo("DOWN"));
        } finally {
            TestClock.reset();
            scheduler.start();
        }
        Db db = new Db(dataSource);
        Eventually.within(Duration.ofSeconds(10), "caught up", () -> db.count("SELECT count(*) FROM sessions WHERE "
                + "tenant_id = ?::uuid AND processed_seq = last_inbound_seq", tenant.tenantId()) == 1);
        Eventually.within(Duration.ofSeconds(10), "ready and live again", () -> {
            refresh();
            return given().get("/q/health/ready").statusCode() == 200 && given().get("/q/health/live").statusCode() == 200;
        });
    }

    /** A customer's "hello" over REST to {@code session}, accepted. */
    private static void sayHello(Tenants.Credentials tenant, String session) {
        given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("id", "m1", "text", "hello")).post("/api/v1/sessions/" + session + "/messages").then()
                .statusCode(202);
    }

    private void refresh() {
        outboxGauges.refresh();
        processingGauges.refresh();
    }

    private static double metric(String prefix) {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : body.split("\n")) {
            if (line.startsWith(prefix + " ") || line.startsWith(prefix + ",") || line.startsWith(prefix + "}")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no metric " + prefix + " in /q/metrics");
    }
}
