package dev.switchboard.privacy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SessionErasureTest {
    @Inject
    DataSource dataSource;

    private static void send(Tenants.Credentials tenant, String session, String text) {
        given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("text", text)).post("/api/v1/sessions/" + session + "/messages").then().statusCode(202);
    }

    @Test
    void erasureRemovesThePersonalContentEverywhereAndRecordsItWithoutContent() {
        Tenants.Credentials tenant = Tenants.create("erase-" + UUID.randomUUID());
        send(tenant, "forget-me", "book a haircut, mail me at jane@example.com");
        send(tenant, "keep-me", "hello, I am john@example.com");
        Db db = new Db(dataSource);
        Eventually.within(Duration.ofSeconds(10), "processed", () -> db.count("SELECT count(*) FROM sessions WHERE "
                + "tenant_id = ?::uuid AND processed_seq = last_inbound_seq AND last_inbound_seq > 0",
                tenant.tenantId()) == 2);
        long id = db.count("SELECT id FROM sessions WHERE tenant_id = ?::uuid AND external_key = 'forget-me'",
                tenant.tenantId());

        given().auth().oauth2(tenant.apiKey()).delete("/api/v1/sessions/forget-me").then().statusCode(204);

        assertEquals(0, db.count("SELECT count(*) FROM events WHERE session_id = ? AND payload::text LIKE '%jane%'", id));
        assertEquals(0, db.count("SELECT count(*) FROM effects WHERE session_id = ? AND payload::text LIKE '%haircut%'",
                id));
        assertEquals("{}", db.text("SELECT data::text FROM sessions WHERE id = ?", id));
        assertEquals(1, db.count("SELECT count(*) FROM events WHERE session_id = ? AND type = 'erased'", id));
        assertTrue(db.text("SELECT payload::text FROM events WHERE session_id = ? AND type = 'erased'", id)
                .matches("[^@]*"), "the audit record carries no content");
        assertEquals(1, db.count("SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id "
                + "WHERE s.external_key = 'keep-me' AND s.tenant_id = ?::uuid AND e.payload::text LIKE '%john%'",
                tenant.tenantId()), "other sessions are untouched");
        given().auth().oauth2(tenant.apiKey()).get("/api/v1/sessions/forget-me").then().statusCode(200);
        send(tenant, "forget-me", "hello again");
        Eventually.within(Duration.ofSeconds(10), "the session keeps working (its state checksum is intact)",
                () -> db.count("SELECT count(*) FROM effects WHERE session_id = ? AND payload->>'text' LIKE 'Hello%'",
                        id) == 1);
        given().auth().oauth2(tenant.apiKey()).delete("/api/v1/sessions/nobody").then().statusCode(404);
    }
}
