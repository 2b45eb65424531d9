package dev.switchboard.conversations;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.support.Db;
import dev.switchboard.support.Tenants;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The unfiltered inbox: pending first (oldest wait on top), then open, bot and resolved by last activity, paged. */
@QuarkusTest
class InboxOrderTest {
    @Inject
    DataSource dataSource;

    @Test
    void everyStatusInInboxOrderAcrossPagesWithoutARepeat() {
        Tenants.Credentials tenant = Tenants.create("inbox-order-" + UUID.randomUUID());
        String agent = given().contentType(ContentType.JSON).auth().oauth2(Tenants.ADMIN_TOKEN)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("name", "Ann", "email", UUID.randomUUID() + "@example.com"))
                .post("/api/v1/admin/tenants/" + tenant.tenantId() + "/agents").then().statusCode(201)
                .extract().path("id");
        Db db = new Db(dataSource);
        // n: status, minutes since the handoff (pending) or the last activity
        Object[][] seeded = {{"resolved", 5}, {"pending", 10}, {"bot", 1}, {"open", 30}, {"pending", 40},
                {"open", 2}, {"bot", 50}, {"pending", 20}, {"resolved", 1}};
        for (int i = 0; i < seeded.length; i++) {
            String status = (String) seeded[i][0];
            int minutes = (Integer) seeded[i][1];
            db.update("INSERT INTO sessions (tenant_id, channel, external_key, state, data, checksum) "
                    + "VALUES (?::uuid, 'web', ?, 'idle', '{}', 'seed')", tenant.tenantId(), status + "-" + minutes);
            db.update("INSERT INTO conversations (id, tenant_id, session_id, channel, status, assignee_id, first_seq, "
                    + "created_at, handed_off_at, resolved_at, last_activity_at) SELECT gen_random_uuid(), tenant_id, id, "
                    + "'web', ?, CASE WHEN ? = 'open' THEN ?::uuid END, 1, now() - interval '2 hours', "
                    + "CASE WHEN ? = 'pending' THEN now() - ? * interval '1 minute' END, "
                    + "CASE WHEN ? = 'resolved' THEN now() END, now() - ? * interval '1 minute' "
                    + "FROM sessions WHERE tenant_id = ?::uuid AND external_key = ?", status, status, agent, status,
                    minutes, status, minutes, tenant.tenantId(), status + "-" + minutes);
        }
        List<String> expected = List.of("pending-40", "pending-20", "pending-10", "open-2", "open-30", "bot-1",
                "bot-50", "resolved-1", "resolved-5");

        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            JsonPath page = given().auth().oauth2(tenant.apiKey()).queryParam("limit", 2)
                    .queryParam("cursor", cursor == null ? "" : cursor).get("/api/v1/conversations").then()
                    .statusCode(200).extract().jsonPath();
            paged.addAll(page.getList("items.sessionKey", String.class));
            cursor = page.getString("next");
        } while (cursor != null);
        assertEquals(expected, paged);

        assertEquals(List.of("pending-40", "pending-20", "pending-10", "bot-1", "bot-50", "resolved-1", "resolved-5"),
                given().auth().oauth2(tenant.apiKey()).queryParam("assignee", "none").get("/api/v1/conversations")
                        .then().statusCode(200).extract().jsonPath().getList("items.sessionKey", String.class),
                "a filter applies to every status");
        assertEquals(List.of("open-2", "open-30"), given().auth().oauth2(tenant.apiKey()).queryParam("status", "open")
                .get("/api/v1/conversations").then().statusCode(200).extract().jsonPath()
                .getList("items.sessionKey", String.class));
    }
}
