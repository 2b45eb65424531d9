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
class RetentionJobTest {
    @Inject
    DataSource dataSource;
    @Inject
    RetentionJob job;

    private static void send(Tenants.Credentials tenant, String session, String text) {
        given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("text", text)).post("/api/v1/sessions/" + session + "/messages").then().statusCode(202);
    }

    private long events(Tenants.Credentials tenant, String session) {
        return new Db(dataSource).count("SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id "
                + "WHERE s.tenant_id = ?::uuid AND s.external_key = ?", tenant.tenantId(), session);
    }

    @Test
    void oldRowsOfATenantWithAPolicyAreDeletedAndNothingElse() {
        Tenants.Credentials strict = Tenants.create("ret-strict-" + UUID.randomUUID());
        Tenants.Credentials keeper = Tenants.create("ret-keeper-" + UUID.randomUUID());
        String path = "/api/v1/admin/tenants/" + strict.tenantId() + "/retention";
        given().auth().oauth2(Tenants.ADMIN_TOKEN).contentType(ContentType.JSON).body("{\"eventsDays\":0}")
                .put(path).then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(Tenants.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body("{\"eventsDays\":1,\"effectsDays\":1,\"idempotencyKeysDays\":1}").put(path).then().statusCode(200);
        given().auth().oauth2(Tenants.ADMIN_TOKEN).get(path).then().statusCode(200)
                .body("eventsDays", org.hamcrest.Matchers.equalTo(1));

        send(strict, "old", "hello");
        send(keeper, "old", "hello");
        Db db = new Db(dataSource);
        Eventually.within(Duration.ofSeconds(10), "processed", () -> db.count("SELECT count(*) FROM effects "
                + "WHERE tenant_id IN (?::uuid, ?::uuid) AND status = 'awaiting_client'", strict.tenantId(),
                keeper.tenantId()) == 4);
        for (String table : new String[] {"events", "effects", "idempotency_keys"}) {
            db.update("UPDATE " + table + " SET created_at = now() - interval '2 days' WHERE tenant_id IN "
                    + "(?::uuid, ?::uuid)", strict.tenantId(), keeper.tenantId());
        }
        // the replies stay awaiting_client: their client never came back, and retention removes them all the same
        send(strict, "recent", "hello");

        assertTrue(job.run() > 0);
        assertEquals(0, events(strict, "old"), "the strict tenant's old, processed events are gone");
        assertTrue(events(strict, "recent") >= 1, "recent events stay");
        assertTrue(events(keeper, "old") > 0, "a tenant without a policy keeps everything");
        assertEquals(0, db.count("SELECT count(*) FROM effects WHERE tenant_id = ?::uuid AND created_at < now() - "
                + "interval '1 day'", strict.tenantId()));
        assertEquals(0, db.count("SELECT count(*) FROM idempotency_keys WHERE tenant_id = ?::uuid AND created_at < "
                + "now() - interval '1 day'", strict.tenantId()));
        assertEquals(2, db.count("SELECT count(*) FROM effects WHERE tenant_id = ?::uuid", keeper.tenantId()));
    }
}
