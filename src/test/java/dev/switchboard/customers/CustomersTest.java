package dev.switchboard.customers;

import static dev.switchboard.channels.whatsapp.WhatsAppFixture.contact;
import static dev.switchboard.channels.whatsapp.WhatsAppFixture.newWamid;
import static dev.switchboard.channels.whatsapp.WhatsAppFixture.textMessage;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.switchboard.channels.whatsapp.GraphApiFake;
import dev.switchboard.channels.whatsapp.WhatsAppFixture;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Customer profiles: made by the channels, found by any spelling of a number, corrected, erased. */
@QuarkusTest
@QuarkusTestResource(GraphApiFake.class)
class CustomersTest {
    private static final String PROBLEM = "application/problem+json";
    private static final String WA_ID = "14155550123";

    @Inject
    DataSource dataSource;

    private Db db() {
        return new Db(dataSource);
    }

    private static RequestSpecification api(Tenants.Credentials tenant) {
        return given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey());
    }

    private static JsonPath search(Tenants.Credentials tenant, String param, String value) {
        return api(tenant).queryParam(param, value).get("/api/v1/customers").then().statusCode(200)
                .extract().jsonPath();
    }

    private static ValidatableResponse patch(Tenants.Credentials tenant, String id, Object body) {
        return api(tenant).body(body).patch("/api/v1/customers/" + id).then();
    }

    /** A WhatsApp message from {@code waId} with a profile name; answers the id of the customer it made. */
    private static String messageFrom(WhatsAppFixture wa, String waId, String name) {
        wa.deliver(wa.body(contact(waId, name), textMessage(waId, newWamid(), "hello"), null)).statusCode(200);
        return search(wa.tenant, "phone", "+" + waId).getString("items[0].id");
    }

    @Test
    void aWhatsAppSenderBecomesACustomerFoundByAnyCommonSpellingOfTheirNumber() {
        WhatsAppFixture wa = WhatsAppFixture.create("cust-phone");
        String id = messageFrom(wa, WA_ID, "Ada Lovelace");
        assertNotNull(id, "a customer with the number in E.164");
        assertEquals("+14155550123", db().text("SELECT phone FROM customers WHERE id = ?::uuid", id));

        // E.164, international with separators, national in the default region (US), 00-prefixed, and the
        // bare digits of a WhatsApp id (the national prefix 1 of the US)
        for (String spelling : List.of("+14155550123", "+1 415-555-0123", "(415) 555-0123", "415.555.0123",
                "001 415 555 0123", "14155550123")) {
            JsonPath found = search(wa.tenant, "phone", spelling);
            assertEquals(List.of(id), found.getList("items.id"), spelling);
            assertEquals("Ada Lovelace", found.getString("items[0].name"), spelling);
            assertEquals(WA_ID, found.getString("items[0].waId"), spelling);
        }
        assertEquals(List.of(), search(wa.tenant, "phone", "+1 415 555 0100").getList("items"));
        assertEquals(List.of(), search(wa.tenant, "phone", "not a number").getList("items"));
    }

    @Test
    void namesAreSearchedByAnyPartRegardlessOfCase() {
        WhatsAppFixture wa = WhatsAppFixture.create("cust-name");
        String id = messageFrom(wa, WA_ID, "Ada Lovelace");
        messageFrom(wa, "14155550124", "Grace Hopper");
        assertEquals(List.of(id), search(wa.tenant, "q", "LOVEL").getList("items.id"));
        assertEquals(List.of(id), search(wa.tenant, "q", "ada").getList("items.id"));
        assertEquals(List.of(), search(wa.tenant, "q", "babbage").getList("items"));
        // LIKE's wildcards are plain characters here
        assertEquals(List.of(), search(wa.tenant, "q", "%").getList("items"));
    }

    @Test
    void theListIsPagedWithACursorUntilTheLastPage() {
        WhatsAppFixture wa = WhatsAppFixture.create("cust-paging");
        String[] waIds = {"14155550131", "14155550132", "14155550133"};
        wa.deliver(wa.body(contact(waIds[0], "A") + "," + contact(waIds[1], "B") + "," + contact(waIds[2], "C"),
                textMessage(waIds[0], newWamid(), "hi") + "," + textMessage(waIds[1], newWamid(), "hi") + ","
                        + textMessage(waIds[2], newWamid(), "hi"), null)).statusCode(200);

        List<String> seen = new ArrayList<>();
        JsonPath first = api(wa.tenant).get("/api/v1/customers?limit=2").then().statusCode(200).extract().jsonPath();
        seen.addAll(first.getList("items.id"));
        assertEquals(2, seen.size());
        JsonPath second = api(wa.tenant).queryParam("limit", 2).queryParam("cursor", first.getString("nextCursor"))
                .get("/api/v1/customers").then().statusCode(200).extract().jsonPath();
        seen.addAll(second.getList("items.id"));
        assertNull(second.getString("nextCursor"), "the last page has no next cursor");
        assertEquals(3, seen.size());
        assertEquals(3, seen.stream().distinct().count(), "no customer on two pages: " + seen);
        assertEquals(List.of(), api(wa.tenant).queryParam("cursor", seen.get(2)).get("/api/v1/customers").then()
                .statusCode(200).body("nextCursor", nullValue()).extract().jsonPath().getList("items"));

        for (String limit : List.of("0", "501", "ten")) {
            api(wa.tenant).queryParam("limit", limit).get("/api/v1/customers").then().statusCode(400)
                    .contentType(PROBLEM);
        }
        api(wa.tenant).queryParam("cursor", "page-2").get("/api/v1/customers").then().statusCode(400);
        api(wa.tenant).queryParam("q", "x".repeat(201)).get("/api/v1/customers").then().statusCode(400);
    }

    @Test
    void aNewProfileNameReplacesTheStoredOne() {
        WhatsAppFixture wa = WhatsAppFixture.create("cust-rename");
        String id = messageFrom(wa, WA_ID, "Ada Lovelace");
        assertEquals(id, messageFrom(wa, WA_ID, "Ada King"));
        api(wa.tenant).get("/api/v1/customers/" + id).then().statusCode(200).body("customer.name", equalTo("Ada King"));
        assertEquals(1, db().count("SELECT count(*) FROM customers WHERE tenant_id = ?::uuid", wa.tenant.tenantId()));

        String version = db().text("SELECT xmin::text FROM customers WHERE id = ?::uuid", id);
        assertEquals(id, messageFrom(wa, WA_ID, "Ada King"));
        assertEquals(version, db().text("SELECT xmin::text FROM customers WHERE id = ?::uuid", id),
                "a customer known as given is read, not rewritten (and locked) by every message");
    }

    @Test
    void aProfileListsTheCustomersSessionsAndOnlyItsTenantSeesIt() {
        WhatsAppFixture wa = WhatsAppFixture.create("cust-profile");
        String id = messageFrom(wa, WA_ID, "Ada Lovelace");

        api(wa.tenant).get("/api/v1/customers/" + id).then().statusCode(200)
                .body("customer.id", equalTo(id))
                .body("customer.phone", equalTo("+14155550123"))
                .body("sessions", hasSize(1))
                .body("sessions[0].channel", equalTo("whatsapp"))
                .body("sessions[0].key", equalTo("wa:" + wa.phoneNumberId + ":" + WA_ID))
                .body("sessions[0].state", notNullValue())
                .body("sessions[0].lastActivityAt", notNullValue());
        api(wa.tenant).get("/api/v1/customers/" + UUID.randomUUID()).then().statusCode(404).contentType(PROBLEM);
        api(wa.tenant).get("/api/v1/customers/not-an-id").then().statusCode(404);

        Tenants.Credentials other = Tenants.create("cust-other-" + UUID.randomUUID());
        api(other).get("/api/v1/customers/" + id).then().statusCode(404);
        patch(other, id, Map.of("name", "Mallory")).statusCode(404);
        api(other).delete("/api/v1/customers/" + id).then().statusCode(404);
        assertEquals(List.of(), search(other, "phone", "+14155550123").getList("items"));
        assertEquals(List.of(), search(other, "q", "Ada").getList("items"));
        assertEquals("Ada Lovelace", db().text("SELECT name FROM customers WHERE id = ?::uuid", id));
    }

    @Test
    void aProfileIsCorrectedWithValidatedFields() {
        WhatsAppFixture wa = WhatsAppFixture.create("cust-patch");
        String id = messageFrom(wa, WA_ID, "Ada Lovelace");

        patch(wa.tenant, id, Map.of("name", " Ada King ", "phone", "+44 20 7946 0958",
                "preferences", Map.of("language", "en-GB"), "metadata", Map.of("tier", "gold", "visits", 3)))
                .statusCode(200)
                .body("name", equalTo("Ada King"))
                .body("phone", equalTo("+442079460958"))
                .body("preferences.language", equalTo("en-GB"))
                .body("metadata.visits", equalTo(3));
        assertEquals("+442079460958", db().text("SELECT phone FROM customers WHERE id = ?::uuid", id));
        assertEquals(List.of(id), search(wa.tenant, "phone", "0044 20 7946 0958").getList("items.id"));
        // what is not given stays
        patch(wa.tenant, id, Map.of("metadata", Map.of())).statusCode(200).body("name", equalTo("Ada King"))
                .body("preferences.language", equalTo("en-GB"));

        patch(wa.tenant, id, Map.of("phone", "12")).statusCode(400).contentType(PROBLEM);
        patch(wa.tenant, id, Map.of("phone", "+1 555 0100")).statusCode(400);
        patch(wa.tenant, id, Map.of("preferences", "dark mode")).statusCode(400).contentType(PROBLEM);
        patch(wa.tenant, id, Map.of("metadata", List.of("vip"))).statusCode(400);
        patch(wa.tenant, id, Map.of("name", "Ada\u0000King")).statusCode(400).contentType(PROBLEM);
        patch(wa.tenant, id, Map.of("metadata", Map.of("note", "a\u0000b"))).statusCode(400);
        patch(wa.tenant, id, "{\"name\":").statusCode(400);
        patch(wa.tenant, UUID.randomUUID().toString(), Map.of("name", "Nobody")).statusCode(404);
        assertEquals("Ada King", db().text("SELECT name FROM customers WHERE id = ?::uuid", id));
        assertEquals("+442079460958", db().text("SELECT phone FROM customers WHERE id = ?::uuid", id));
    }

    @Test
    void erasingACustomerErasesTheirConversationsAndDeletesTheProfile() {
        WhatsAppFixture wa = WhatsAppFixture.create("cust-erase");
        String id = messageFrom(wa, WA_ID, "Ada Lovelace");
        String key = wa.sessionKey(WA_ID);
        Db db = db();
        Eventually.within(Duration.ofSeconds(10), "the message answered", () -> wa.textsTo(WA_ID).size() == 1
                && db.count("SELECT count(*) FROM sessions WHERE tenant_id = ?::uuid AND processed_seq = "
                        + "last_inbound_seq AND last_inbound_seq > 0", wa.tenant.tenantId()) == 1);
        long session = db.count("SELECT id FROM sessions WHERE tenant_id = ?::uuid AND external_key = ?",
                wa.tenant.tenantId(), key);

        api(wa.tenant).delete("/api/v1/customers/" + id).then().statusCode(204);

        assertEquals(1, db.count("SELECT count(*) FROM events WHERE session_id = ? AND type = 'user_message'", session));
        assertEquals(0, db.count("SELECT count(*) FROM events WHERE session_id = ? AND type = 'user_message' "
                + "AND (payload ->> 'erased' IS DISTINCT FROM 'true' OR jsonb_exists(payload, 'text'))", session));
        assertEquals(0, db.count("SELECT count(*) FROM events WHERE session_id = ? AND payload::text LIKE '%hello%'",
                session));
        assertEquals(1, db.count("SELECT count(*) FROM events WHERE session_id = ? AND type = 'erased'", session));
        assertEquals(0, db.count("SELECT count(*) FROM customers WHERE id = ?::uuid", id));
        assertEquals(1, db.count("SELECT count(*) FROM sessions WHERE id = ? AND customer_id IS NULL", session));
        api(wa.tenant).get("/api/v1/customers/" + id).then().statusCode(404);
        api(wa.tenant).delete("/api/v1/customers/" + id).then().statusCode(404);
        assertEquals(List.of(), search(wa.tenant, "phone", "+14155550123").getList("items"));
    }

    private static ValidatableResponse clientToken(Tenants.Credentials tenant, String key, String body) {
        RequestSpecification request = api(tenant).header("Idempotency-Key", UUID.randomUUID().toString());
        return (body == null ? request : request.body(body)).post("/api/v1/sessions/" + key + "/client-tokens").then();
    }

    @Test
    void aClientTokenThatNamesThePersonMakesAWebCustomerFoundByPhone() {
        Tenants.Credentials tenant = Tenants.create("cust-web-" + UUID.randomUUID());
        clientToken(tenant, "web-ada", "{\"customer\":{\"externalId\":\"crm-1\",\"name\":\"Ada\","
                + "\"email\":\"ada@example.com\",\"phone\":\"+1 415 555 0199\"}}").statusCode(201);

        JsonPath found = search(tenant, "phone", "(415) 555-0199");
        assertEquals(1, found.getList("items").size());
        assertEquals("crm-1", found.getString("items[0].externalId"));
        assertEquals("Ada", found.getString("items[0].name"));
        assertEquals("ada@example.com", found.getString("items[0].email"));
        assertEquals("+14155550199", found.getString("items[0].phone"));
        api(tenant).get("/api/v1/customers/" + found.getString("items[0].id")).then().statusCode(200)
                .body("sessions", hasSize(1))
                .body("sessions[0].channel", equalTo("web"))
                .body("sessions[0].key", equalTo("web-ada"));

        clientToken(tenant, "web-bad", "{\"customer\":{\"externalId\":\"crm-2\",\"phone\":\"555\"}}")
                .statusCode(400).contentType(PROBLEM);
        clientToken(tenant, "web-bad", "{\"customer\":{\"externalId\":\"crm-2\",\"email\":\"ada at example\"}}")
                .statusCode(400).contentType(PROBLEM);
        clientToken(tenant, "web-bad", "{\"customer\":{\"name\":\"No Id\"}}").statusCode(400);
        assertEquals(1, db().count("SELECT count(*) FROM customers WHERE tenant_id = ?::uuid", tenant.tenantId()));
        assertEquals(0, db().count("SELECT count(*) FROM sessions WHERE tenant_id = ?::uuid AND external_key = "
                + "'web-bad'", tenant.tenantId()));

        clientToken(tenant, "web-anonymous", null).statusCode(201).body("token", notNullValue());
        clientToken(tenant, "web-anonymous", "{}").statusCode(201);
        clientToken(tenant, "wa:123:14155550199", "{\"customer\":{\"externalId\":\"crm-3\"}}").statusCode(400)
                .contentType(PROBLEM);
    }

    @Test
    void aCustomerNamedByAClientTokenCanBeErasedBeforeTheyWroteAnything() {
        Tenants.Credentials tenant = Tenants.create("cust-web-erase-" + UUID.randomUUID());
        clientToken(tenant, "web-quiet", "{\"customer\":{\"externalId\":\"crm-9\",\"name\":\"Quiet\"}}")
                .statusCode(201);
        String id = search(tenant, "q", "Quiet").getString("items[0].id");

        api(tenant).delete("/api/v1/customers/" + id).then().statusCode(204);

        assertEquals(0, db().count("SELECT count(*) FROM customers WHERE tenant_id = ?::uuid", tenant.tenantId()));
        assertEquals(1, db().count("SELECT count(*) FROM sessions WHERE tenant_id = ?::uuid AND external_key = "
                + "'web-quiet' AND customer_id IS NULL", tenant.tenantId()));
    }
}
