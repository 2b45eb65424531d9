package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.support.Db;
import dev.switchboard.support.Tenants;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A string PostgreSQL cannot store (U+0000, an unpaired surrogate), anywhere in any JSON body, is a
 * 400 problem and changes nothing: not a 500 from the database, not a "?" in its place, not a
 * character lost to a trim. A value of the wrong JSON type is refused, not converted. And a body that
 * cannot be read is described without being quoted.
 */
@QuarkusTest
class RequestBodiesTest {
    private static final String NUL = "\\u0000";
    private static final String LONE = "\\ud800";

    @Inject
    DataSource dataSource;

    private static RequestSpecification as(String bearer) {
        return given().contentType(ContentType.JSON).auth().oauth2(bearer)
                .header("Idempotency-Key", UUID.randomUUID().toString());
    }

    private static void refused(io.restassured.response.Response response) {
        response.then().statusCode(400).contentType("application/problem+json")
                .body("detail", anyOf(containsString("cannot be stored"), containsString("not valid Unicode")));
    }

    @Test
    void everyEndpointRefusesUnstorableStringsAndStoresNothing() {
        Db db = new Db(dataSource);
        Tenants.Credentials tenant = Tenants.create("unstorable-" + UUID.randomUUID());
        String admin = "/api/v1/admin/tenants/" + tenant.tenantId();

        long tenants = db.count("SELECT count(*) FROM tenants");
        refused(as(Tenants.ADMIN_TOKEN).body("{\"name\":\"a" + NUL + "b\"}").post("/api/v1/admin/tenants"));
        refused(as(Tenants.ADMIN_TOKEN).body("{\"name\":\"a" + LONE + "b\"}").post("/api/v1/admin/tenants"));
        assertEquals(tenants, db.count("SELECT count(*) FROM tenants"));

        String before = as(Tenants.ADMIN_TOKEN).get(admin + "/agent-definition").then().statusCode(200)
                .extract().asString();
        for (String bad : new String[] {NUL, LONE}) {
            refused(as(Tenants.ADMIN_TOKEN).body("{\"threshold\":0.5,\"intents\":[{\"name\":\"greeting\","
                    + "\"keywords\":[\"hi" + bad + "\"]}]}").put(admin + "/agent-definition"));
        }
        assertEquals(before, as(Tenants.ADMIN_TOKEN).get(admin + "/agent-definition").asString());

        refused(as(Tenants.ADMIN_TOKEN).body("{\"name\":\"a" + NUL + "\",\"email\":\"a@example.com\"}")
                .post(admin + "/agents"));
        assertEquals(0, db.count("SELECT count(*) FROM agents WHERE tenant_id = ?::uuid", tenant.tenantId()));

        // trimmed, "e\u0000" used to become the customer "e": another person's id
        refused(as(tenant.apiKey()).body("{\"customer\":{\"externalId\":\"e" + NUL + "\"}}")
                .post("/api/v1/sessions/unstorable-1/client-tokens"));
        assertEquals(0, db.count("SELECT count(*) FROM customers WHERE tenant_id = ?::uuid", tenant.tenantId()));

        as(tenant.apiKey()).body("{\"customer\":{\"externalId\":\"ext-1\",\"name\":\"Ada\"}}")
                .post("/api/v1/sessions/unstorable-2/client-tokens").then().statusCode(201);
        String customer = db.text("SELECT id::text FROM customers WHERE tenant_id = ?::uuid", tenant.tenantId());
        String profile = db.text("SELECT name || ' ' || metadata::text FROM customers WHERE id = ?::uuid", customer);
        refused(as(tenant.apiKey()).body("{\"metadata\":{\"k\":\"" + LONE + "\"}}").patch("/api/v1/customers/" + customer));
        refused(as(tenant.apiKey()).body("{\"metadata\":{\"k" + NUL + "\":\"v\"}}").patch("/api/v1/customers/" + customer));
        refused(as(tenant.apiKey()).body("{\"name\":\"Ada" + NUL + "\"}").patch("/api/v1/customers/" + customer));
        assertEquals(profile, db.text("SELECT name || ' ' || metadata::text FROM customers WHERE id = ?::uuid", customer));
    }

    @Test
    void aValueOfTheWrongJsonTypeIsRefusedNotConverted() {
        Tenants.Credentials tenant = Tenants.create("types-" + UUID.randomUUID());
        for (String body : new String[] {"{\"id\":5,\"text\":\"hi\"}", "{\"id\":\"m1\",\"text\":123}",
                "{\"id\":\"m1\",\"text\":true}"}) {
            as(tenant.apiKey()).body(body).post("/api/v1/sessions/types/messages").then().statusCode(400)
                    .contentType("application/problem+json").body("type", containsString("malformed-json"));
        }
        as(tenant.apiKey()).get("/api/v1/sessions/types").then().statusCode(404);
        String retention = "/api/v1/admin/tenants/" + tenant.tenantId() + "/retention";
        for (String days : new String[] {"1.5", "\"30\"", "true"}) {
            as(Tenants.ADMIN_TOKEN).body("{\"eventsDays\":" + days + "}").put(retention).then().statusCode(400)
                    .body("detail", containsString("'eventsDays'"));
        }
        as(Tenants.ADMIN_TOKEN).body("{\"eventsDays\":30}").put(retention).then().statusCode(200);
        // a misspelt field used to be ignored, and the policy reset to "keep for ever"
        as(Tenants.ADMIN_TOKEN).body("{\"eventDays\":7}").put(retention).then().statusCode(400)
                .body("detail", containsString("'eventDays' is not a field"));
        as(Tenants.ADMIN_TOKEN).get(retention).then().statusCode(200).body("eventsDays", org.hamcrest.Matchers.equalTo(30));
    }

    @Test
    void aBodyThatCannotBeReadIsDescribedNotQuoted() {
        Tenants.Credentials tenant = Tenants.create("unreadable-" + UUID.randomUUID());
        String marker = "zebra" + UUID.randomUUID().toString().substring(0, 8) + "banana";
        as(tenant.apiKey()).body(marker + " is not JSON").post("/api/v1/sessions/unreadable/messages").then()
                .statusCode(400).contentType("application/problem+json")
                .body("type", containsString("malformed-json"))
                .body("detail", containsString("line 1")).body("detail", not(containsString(marker)));
        as(tenant.apiKey()).body("{\"customer\":\"" + marker + "\"}").post("/api/v1/sessions/unreadable/client-tokens")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("'customer'")).body("detail", not(containsString(marker)))
                .body("detail", not(containsString("dev.switchboard")));
    }
}
