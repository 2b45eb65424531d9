package dev.switchboard.tenants;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Tenant isolation is enforced by PostgreSQL itself, and no endpoint shows one tenant another's data. */
@QuarkusTest
class RowLevelSecurityTest {
    @TestHTTPResource("/")
    URI base;
    @Inject
    DataSource dataSource;

    private static void send(Tenants.Credentials tenant, String session, String text) {
        given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("id", UUID.randomUUID().toString(), "text", text))
                .post("/api/v1/sessions/" + session + "/messages").then().statusCode(202);
    }

    @Test
    void aQueryThatForgetsItsTenantConditionStillSeesOnlyTheCurrentTenantsRows() {
        Tenants.Credentials a = Tenants.create("rls-a-" + UUID.randomUUID());
        Tenants.Credentials b = Tenants.create("rls-b-" + UUID.randomUUID());
        send(a, "a-1", "hello");
        send(b, "b-1", "hello");
        send(b, "b-2", "hello");
        Db db = new Db(dataSource);
        Eventually.within(Duration.ofSeconds(10), "processed", () -> db.count("SELECT count(*) FROM sessions "
                + "WHERE tenant_id IN (?::uuid, ?::uuid) AND processed_seq < last_inbound_seq", a.tenantId(),
                b.tenantId()) == 0);
        assertTrue(db.count("SELECT count(*) FROM sessions") >= 3, "the database holds both tenants' sessions");

        Map<String, Integer> seenByA = given().auth().oauth2(a.apiKey()).get("/api/v1/test/forgotten-where")
                .then().statusCode(200).extract().jsonPath().getMap("$");
        assertEquals(1, seenByA.get("tenants"), "only its own tenant row");
        assertEquals(1, seenByA.get("api_keys"));
        assertEquals(1, seenByA.get("sessions"));
        assertEquals(db.count("SELECT count(*) FROM events WHERE tenant_id = ?::uuid", a.tenantId()),
                (long) seenByA.get("events"));
        assertEquals(db.count("SELECT count(*) FROM effects WHERE tenant_id = ?::uuid", a.tenantId()),
                (long) seenByA.get("effects"));
    }

    @Test
    void withNoTenantSetNoRowIsVisibleAndNoneCanBeWritten() throws Exception {
        Tenants.create("rls-c-" + UUID.randomUUID());
        // a pooled connection: it must leave the pool as it came (the pool remembers what scope it holds)
        try (var c = dataSource.getConnection(); var st = c.createStatement()) {
            try {
            st.execute("SET ROLE switchboard_app");
            st.execute("SELECT set_config('app.tenant_id', '', false)");
            try (var rs = st.executeQuery("SELECT count(*) FROM sessions")) {
                rs.next();
                assertEquals(0, rs.getLong(1));
            }
            try (var rs = st.executeQuery("SELECT count(*) FROM tenants")) {
                rs.next();
                assertEquals(0, rs.getLong(1));
            }
            boolean refused = false;
            try {
                st.execute("INSERT INTO tenants (id, name) VALUES ('" + UUID.randomUUID() + "', 'sneaky')");
            } catch (java.sql.SQLException e) {
                refused = e.getMessage().contains("row-level security");
            }
            assertTrue(refused, "a write outside the tenant is refused by the policy");
            } finally {
                st.execute("RESET ROLE");
            }
        }
    }

    @Test
    void everyEndpointAnswers404ForAnotherTenantsSessionAndShowsNothingOfIt() {
        Tenants.Credentials owner = Tenants.create("rls-owner-" + UUID.randomUUID());
        Tenants.Credentials prober = Tenants.create("rls-prober-" + UUID.randomUUID());
        send(owner, "secret-session", "hello, my email is jane@example.com");
        Db db = new Db(dataSource);
        Eventually.within(Duration.ofSeconds(10), "processed", () -> db.count("SELECT count(*) FROM effects "
                + "WHERE tenant_id = ?::uuid", owner.tenantId()) > 0);
        for (String path : List.of("", "/events", "/effects", "/state", "/state?atSeq=1")) {
            String body = given().auth().oauth2(prober.apiKey()).get("/api/v1/sessions/secret-session" + path)
                    .then().statusCode(404).contentType("application/problem+json").extract().asString();
            assertFalse(body.contains("jane@example.com"));
        }
        given().auth().oauth2(prober.apiKey()).header("Idempotency-Key", UUID.randomUUID().toString())
                .post("/api/v1/sessions/secret-session/release").then().statusCode(404);
        given().auth().oauth2(prober.apiKey()).delete("/api/v1/sessions/secret-session").then().statusCode(404);
        given().auth().oauth2(prober.apiKey()).get("/api/v1/admin/tenants/" + owner.tenantId() + "/api-keys")
                .then().statusCode(401);

        try (ChatClient chat = ChatClient.connect(base, "secret-session", prober.apiKey(), 0L)) {
            chat.send("{\"type\":\"ping\"}");
            List<JsonNode> frames = chat.drain(Duration.ofMillis(500));
            assertEquals(List.of("pong"), frames.stream().map(f -> f.path("type").asText()).toList(),
                    "resuming another tenant's session key replays nothing of it");
        }
        assertEquals(0, db.count("SELECT count(*) FROM sessions WHERE tenant_id = ?::uuid", prober.tenantId()),
                "probing created nothing");
    }
}
