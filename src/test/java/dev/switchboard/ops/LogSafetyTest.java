package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.CapturedLog;
import dev.switchboard.support.ChatClient;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every layer failed once on a message with a recognisable text; the text appears in no log line,
 * messages and whole cause chains included, while the failures stay diagnosable by type.
 */
@QuarkusTest
class LogSafetyTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TestHTTPResource("/")
    URI base;
    @Inject
    DataSource dataSource;

    CapturedLog log;
    Tenants.Credentials tenant;

    @BeforeEach
    void capture() {
        log = CapturedLog.start();
        tenant = Tenants.create("logs-" + UUID.randomUUID());
    }

    @AfterEach
    void release() {
        log.close();
    }

    @Test
    void everyLogHandlerUsesTheMaskingFilter() {
        for (String handler : new String[] {"console", "file", "syslog", "socket"}) {
            assertEquals("pii-mask", ConfigProvider.getConfig().getValue("quarkus.log." + handler + ".filter",
                    String.class), handler);
        }
    }

    @Test
    void anAdminPathIdThatIsNoIdReachesNeitherTheAuditLogNorAResource() {
        String marker = "zebra" + UUID.randomUUID().toString().substring(0, 8) + "banana";
        for (String path : new String[] {marker + "/api-keys", marker + "/retention", marker + "/agents",
                "%7B" + tenant.tenantId() + "%7D/api-keys", tenant.tenantId() + "/api-keys/" + marker}) {
            given().urlEncodingEnabled(false).auth().oauth2(Tenants.ADMIN_TOKEN).get("/api/v1/admin/tenants/" + path)
                    .then().statusCode(404)
                    .contentType("application/problem+json");
        }
        given().auth().oauth2(Tenants.ADMIN_TOKEN).header("Idempotency-Key", UUID.randomUUID().toString())
                .delete("/api/v1/admin/tenants/" + tenant.tenantId() + "/api-keys/" + marker).then().statusCode(404);
        String captured = log.text();
        assertFalse(captured.contains(marker), "a path's text reached the log:\n" + captured);
        given().auth().oauth2(Tenants.ADMIN_TOKEN).get("/api/v1/admin/tenants/" + tenant.tenantId() + "/api-keys")
                .then().statusCode(200);
    }

    @Test
    void noLayerThatFailsOnAMessageLogsItsText() {
        String marker = "zebra" + UUID.randomUUID().toString().substring(0, 8) + "banana";
        Db db = new Db(dataSource);

        // the edge: text PostgreSQL cannot store, over REST and over the socket
        given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body("{\"id\":\"r1\",\"text\":\"" + marker + " \\u0000\"}")
                .post("/api/v1/sessions/logs-rest/messages").then().statusCode(400);
        try (ChatClient chat = ChatClient.connect(base, "logs-ws", tenant.apiKey(), null)) {
            chat.send("{\"type\":\"message\",\"id\":\"w1\",\"text\":\"" + marker + " \\u0000\"}");
            assertEquals("invalid_text", chat.next(WAIT).path("code").asText());

            // the agent: an exception quoting the text (answered with the fallback) ...
            chat.sendMessage("w2", "fault:exception:" + marker + " " + marker);
            chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT);
            // ... and an Error quoting it, retried and then quarantined
            chat.sendMessage("w3", "fault:error:" + marker + " " + marker);
        }
        Eventually.within(WAIT, "quarantined", () -> db.count("SELECT count(*) FROM sessions WHERE tenant_id = "
                + "?::uuid AND status = 'quarantined'", tenant.tenantId()) == 1);

        // the database, under an HTTP request: PostgreSQL quotes the value in its error
        given().auth().oauth2(tenant.apiKey()).header("Idempotency-Key", UUID.randomUUID().toString())
                .body(marker).post("/api/v1/test/log-probe").then().statusCode(500)
                .body("detail", org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(marker)));

        String captured = log.text();
        assertFalse(captured.contains(marker), "the text leaked into the log:\n" + captured);
        assertTrue(captured.contains("org.postgresql.util.PSQLException: SQLState 22P02"),
                "failures stay diagnosable by type and SQLState:\n" + captured);
        assertTrue(captured.contains("java.lang.AssertionError"), captured);
        assertTrue(captured.contains("java.lang.IllegalStateException"), captured);
        assertEquals(0, db.count("SELECT count(*) FROM events WHERE tenant_id = ?::uuid AND type = 'error' "
                + "AND payload::text LIKE ?", tenant.tenantId(), "%" + marker + "%"), "nor into error events");
    }
}
