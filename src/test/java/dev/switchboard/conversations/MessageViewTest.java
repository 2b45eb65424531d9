package dev.switchboard.conversations;

import static dev.switchboard.channels.whatsapp.WhatsAppFixture.contact;
import static dev.switchboard.channels.whatsapp.WhatsAppFixture.newWamid;
import static dev.switchboard.channels.whatsapp.WhatsAppFixture.status;
import static dev.switchboard.channels.whatsapp.WhatsAppFixture.textMessage;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.switchboard.channels.whatsapp.GraphApiFake;
import dev.switchboard.channels.whatsapp.WhatsAppFixture;
import dev.switchboard.support.ChatClient;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** GET /api/v1/sessions/{key}/messages: both directions in seq order, each reply with its delivery status. */
@QuarkusTest
@QuarkusTestResource(GraphApiFake.class)
class MessageViewTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    @Inject
    DataSource dataSource;

    private static JsonPath messages(Tenants.Credentials tenant, String key) {
        return given().auth().oauth2(tenant.apiKey()).get("/api/v1/sessions/" + key + "/messages").then()
                .statusCode(200).extract().jsonPath();
    }

    /** The status of the session's one reply. */
    private static String replyStatus(Tenants.Credentials tenant, String key) {
        return messages(tenant, key).getString("items.find { it.direction == 'out' }?.status");
    }

    private static long statusEvents(Tenants.Credentials tenant, String key) {
        return given().auth().oauth2(tenant.apiKey()).get("/api/v1/sessions/" + key + "/events?limit=1000").then()
                .statusCode(200).extract().jsonPath().getList("items.findAll { it.type == 'message_status' }").size();
    }

    private static void send(Tenants.Credentials tenant, String key, String text) {
        given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString()).body(Map.of("text", text))
                .post("/api/v1/sessions/" + key + "/messages").then().statusCode(202);
    }

    private void awaitProcessed(String tenantId, String key) {
        Db db = new Db(dataSource);
        Eventually.within(WAIT, key + " processed", () -> db.count("SELECT count(*) FROM sessions WHERE tenant_id = "
                + "?::uuid AND external_key = ? AND processed_seq = last_inbound_seq AND last_inbound_seq > 0",
                tenantId, key) == 1);
    }

    @Test
    void aWebReplyIsDeliveredWhenWrittenToTheSocketAndReadWhenTheClientAcksIt() {
        Tenants.Credentials tenant = Tenants.create("view-web-" + UUID.randomUUID());
        try (ChatClient chat = ChatClient.connect(base, "view-web", tenant.apiKey(), null)) {
            chat.sendMessage("m1", "hello");
            JsonNode reply = chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT).get(0);

            Eventually.within(WAIT, "the reply shows as delivered",
                    () -> "delivered".equals(replyStatus(tenant, "view-web")));
            JsonPath view = messages(tenant, "view-web");
            assertEquals(List.of("in", "out"), view.getList("items.direction"));
            assertEquals("customer", view.getString("items[0].author.kind"));
            assertEquals("hello", view.getString("items[0].text"));
            assertNull(view.get("items[0].status"), "what the customer wrote has no delivery status");
            assertEquals("bot", view.getString("items[1].author.kind"));
            assertEquals(reply.path("text").asText(), view.getString("items[1].text"));
            assertNotNull(view.get("items[1].deliveredAt"));
            assertNull(view.get("items[1].readAt"));
            assertTrue(view.getLong("items[0].seq") < view.getLong("items[1].seq"), "in seq order");

            chat.send("{\"type\":\"ack\",\"seq\":" + reply.path("seq").asLong() + "}");
            Eventually.within(WAIT, "the acknowledged reply shows as read",
                    () -> "read".equals(replyStatus(tenant, "view-web")));
            assertNotNull(messages(tenant, "view-web").get("items[1].readAt"));
        }
    }

    @Test
    void aReplyWithoutAnOpenSocketStaysPendingUntilAClientResumesAndReceivesIt() {
        Tenants.Credentials tenant = Tenants.create("view-offline-" + UUID.randomUUID());
        send(tenant, "view-offline", "hello");
        awaitProcessed(tenant.tenantId(), "view-offline");

        assertEquals("pending", replyStatus(tenant, "view-offline"));
        assertEquals(1, new Db(dataSource).count("SELECT count(*) FROM effects WHERE tenant_id = ?::uuid AND "
                + "type = 'message' AND status = 'awaiting_client'", tenant.tenantId()), "waiting for its client");
        assertNull(messages(tenant, "view-offline").get("items[1].deliveredAt"));

        try (ChatClient chat = ChatClient.connect(base, "view-offline", tenant.apiKey(), 0L)) {
            chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT);
            Eventually.within(WAIT, "the resumed reply shows as delivered",
                    () -> "delivered".equals(replyStatus(tenant, "view-offline")));
        }
        assertNotNull(messages(tenant, "view-offline").get("items[1].deliveredAt"));
    }

    /** A WhatsApp session whose text was answered; answers the wamid the Graph API gave the reply. */
    private String answered(WhatsAppFixture wa, String waId) {
        wa.deliver(wa.body(contact(waId, "Ada"), textMessage(waId, newWamid(), "hello"), null)).statusCode(200);
        Eventually.within(WAIT, "the reply reached the Graph API", () -> wa.textsTo(waId).size() == 1);
        Db db = new Db(dataSource);
        Eventually.within(WAIT, "the reply's wamid recorded", () -> db.text("SELECT external_id FROM effects WHERE "
                + "tenant_id = ?::uuid AND type = 'message'", wa.tenant.tenantId()) != null);
        String wamid = db.text("SELECT external_id FROM effects WHERE tenant_id = ?::uuid AND type = 'message'",
                wa.tenant.tenantId());
        assertEquals(wamidReturnedFor(wa, waId), wamid);
        return wamid;
    }

    /** What the fake answered to the text sent to {@code waId}. */
    private static String wamidReturnedFor(WhatsAppFixture wa, String waId) {
        ServeEvent send = GraphApiFake.server().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals(wa.messagesPath()))
                .filter(e -> read(e.getRequest().getBodyAsString()).path("to").asText().equals(waId))
                .findFirst().orElseThrow();
        return read(send.getResponse().getBodyAsString()).path("messages").path(0).path("id").asText();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void whatsAppReceiptsMoveAReplyForwardOnlyAndEachChangeIsOneEvent() {
        WhatsAppFixture wa = WhatsAppFixture.create("view-wa");
        String waId = "15551234501";
        String key = wa.sessionKey(waId);
        String wamid = answered(wa, waId);

        JsonPath sent = messages(wa.tenant, key);
        assertEquals(List.of("in", "out"), sent.getList("items.direction"));
        assertEquals("sent", sent.getString("items[1].status"));
        assertEquals(wamid, sent.getString("items[1].externalId"));
        assertNotNull(sent.get("items[1].sentAt"));
        assertEquals(1, statusEvents(wa.tenant, key), "sent");

        // Meta's receipts come in any order: a read before its delivered implies it
        wa.deliver(wa.body(null, null, status(wamid, "read", waId))).statusCode(200);
        JsonPath read = messages(wa.tenant, key);
        assertEquals("read", read.getString("items[1].status"));
        assertNotNull(read.get("items[1].deliveredAt"));
        assertNotNull(read.get("items[1].readAt"));
        assertEquals(2, statusEvents(wa.tenant, key), "sent, read");

        wa.deliver(wa.body(null, null, status(wamid, "delivered", waId))).statusCode(200);
        wa.deliver(wa.body(null, null, status(wamid, "read", waId))).statusCode(200);
        assertEquals(read.getMap("items[1]"), messages(wa.tenant, key).getMap("items[1]"), "old news changes nothing");

        List<String> changes = given().auth().oauth2(wa.tenant.apiKey()).get("/api/v1/sessions/" + key + "/events")
                .then().statusCode(200).extract().jsonPath()
                .getList("items.findAll { it.type == 'message_status' }.payload.status");
        assertEquals(List.of("sent", "read"), changes, "one message_status event per change");
    }

    @Test
    void aFailedReceiptRecordsTheReasonAndEndsTheLifecycle() {
        WhatsAppFixture wa = WhatsAppFixture.create("view-failed");
        String waId = "15551234502";
        String key = wa.sessionKey(waId);
        String wamid = answered(wa, waId);

        wa.deliver(wa.body(null, null, WhatsAppFixture.failedStatus(wamid, waId, 131026, "Message undeliverable")))
                .statusCode(200);
        JsonPath failed = messages(wa.tenant, key);
        assertEquals("failed", failed.getString("items[1].status"));
        assertNotNull(failed.get("items[1].failedAt"));
        assertEquals("131026", failed.getString("items[1].error.code"));
        assertEquals("Message undeliverable", failed.getString("items[1].error.reason"));

        wa.deliver(wa.body(null, null, status(wamid, "read", waId))).statusCode(200);
        JsonPath after = messages(wa.tenant, key);
        assertEquals("failed", after.getString("items[1].status"));
        assertNull(after.get("items[1].readAt"));
        assertEquals(2, statusEvents(wa.tenant, key), "sent, failed");
    }

    @Test
    void theViewIsPagedBySeqAndRefusesBadArguments() {
        Tenants.Credentials tenant = Tenants.create("view-paging-" + UUID.randomUUID());
        send(tenant, "view-paging", "hello");
        send(tenant, "view-paging", "what are your opening hours?");
        awaitProcessed(tenant.tenantId(), "view-paging");
        List<Long> all = messages(tenant, "view-paging").getList("items.seq", Long.class);
        assertTrue(all.size() >= 3, "two messages and their replies: " + all);

        List<Long> paged = new ArrayList<>();
        long after = 0;
        while (true) {
            List<Long> page = given().auth().oauth2(tenant.apiKey()).queryParam("afterSeq", after)
                    .queryParam("limit", 2).get("/api/v1/sessions/view-paging/messages").then().statusCode(200)
                    .extract().jsonPath().getList("items.seq", Long.class);
            if (page.isEmpty()) {
                break;
            }
            assertTrue(page.size() <= 2);
            paged.addAll(page);
            after = page.get(page.size() - 1);
        }
        assertEquals(all, paged);
        assertEquals(all.subList(1, all.size()), given().auth().oauth2(tenant.apiKey())
                .get("/api/v1/sessions/view-paging/messages?afterSeq=" + all.get(0)).then().statusCode(200)
                .extract().jsonPath().getList("items.seq", Long.class));

        for (String query : List.of("afterSeq=-1", "afterSeq=abc", "limit=0", "limit=1001")) {
            given().auth().oauth2(tenant.apiKey()).get("/api/v1/sessions/view-paging/messages?" + query).then()
                    .statusCode(400).contentType("application/problem+json");
        }
        given().auth().oauth2(tenant.apiKey()).get("/api/v1/sessions/nobody-here/messages").then().statusCode(404);
    }
}
