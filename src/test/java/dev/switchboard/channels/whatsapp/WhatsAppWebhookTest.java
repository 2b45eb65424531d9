package dev.switchboard.channels.whatsapp;

import static dev.switchboard.channels.whatsapp.WhatsAppFixture.contact;
import static dev.switchboard.channels.whatsapp.WhatsAppFixture.message;
import static dev.switchboard.channels.whatsapp.WhatsAppFixture.newWamid;
import static dev.switchboard.channels.whatsapp.WhatsAppFixture.textMessage;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Meta's side of the webhook: the handshake, signatures, every payload shape, and the reply on WhatsApp. */
@QuarkusTest
@QuarkusTestResource(GraphApiFake.class)
class WhatsAppWebhookTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    DataSource dataSource;

    private Db db() {
        return new Db(dataSource);
    }

    private long events(WhatsAppFixture wa, String waId, String type) {
        return db().count("SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id "
                + "WHERE s.tenant_id = ?::uuid AND s.external_key = ? AND e.type = ?", wa.tenant.tenantId(),
                wa.sessionKey(waId), type);
    }

    private long tenantEvents(WhatsAppFixture wa) {
        return db().count("SELECT count(*) FROM events WHERE tenant_id = ?::uuid", wa.tenant.tenantId());
    }

    @Test
    void theVerificationHandshakeEchoesTheChallengeOnlyForTheRightToken() {
        WhatsAppFixture wa = WhatsAppFixture.create("handshake");
        given().queryParam("hub.mode", "subscribe").queryParam("hub.verify_token", wa.verifyToken)
                .queryParam("hub.challenge", "1158201444").get(wa.webhookPath())
                .then().statusCode(200).contentType(ContentType.TEXT).body(equalTo("1158201444"));
        given().queryParam("hub.mode", "subscribe").queryParam("hub.verify_token", "wrong")
                .queryParam("hub.challenge", "1158201444").get(wa.webhookPath()).then().statusCode(403);
        given().queryParam("hub.mode", "unsubscribe").queryParam("hub.verify_token", wa.verifyToken)
                .queryParam("hub.challenge", "1").get(wa.webhookPath()).then().statusCode(403);
        given().queryParam("hub.mode", "subscribe").queryParam("hub.verify_token", wa.verifyToken)
                .queryParam("hub.challenge", "1").get("/webhooks/whatsapp/" + java.util.UUID.randomUUID())
                .then().statusCode(404);
    }

    @Test
    void aTextMessageIsStoredOnceAnsweredOnWhatsAppAndMarkedRead() {
        WhatsAppFixture wa = WhatsAppFixture.create("text");
        String waId = "4915112345678";
        String wamid = newWamid();
        String body = wa.body(contact(waId, "Jürgen Müller"), textMessage(waId, wamid, "hello"), null);

        wa.deliver(body).statusCode(200);

        Eventually.within(WAIT, "the reply reached the Graph API", () -> wa.textsTo(waId).size() == 1);
        LoggedRequest sent = wa.textsTo(waId).get(0);
        assertEquals("Bearer " + wa.accessToken, sent.getHeader("Authorization"));
        JsonNode request = read(sent.getBodyAsString());
        assertEquals("whatsapp", request.path("messaging_product").asText());
        assertEquals("individual", request.path("recipient_type").asText());
        assertEquals(waId, request.path("to").asText());
        assertEquals("text", request.path("type").asText());
        assertFalse(request.path("text").path("preview_url").asBoolean(true));
        assertFalse(request.path("text").path("body").asText().isBlank());
        Eventually.within(WAIT, "the message was marked read", () -> wa.readReceipts().stream()
                .anyMatch(r -> read(r.getBodyAsString()).path("message_id").asText().equals(wamid)));

        Eventually.within(WAIT, "the wamid of the reply is recorded as sent", () -> db().count(
                "SELECT count(*) FROM effects WHERE tenant_id = ?::uuid AND type = 'message' AND status = 'sent' "
                        + "AND message_status = 'sent' AND external_id LIKE 'wamid.%'", wa.tenant.tenantId()) == 1);

        // Meta retries for days (a crash between our commit and our 200 looks the same): the body again
        // changes nothing and still gets 200
        long before = tenantEvents(wa);
        wa.deliver(body).statusCode(200);
        assertEquals(before, tenantEvents(wa));
        assertEquals(1, events(wa, waId, "user_message"));
        assertEquals("whatsapp", db().text("SELECT channel FROM sessions WHERE tenant_id = ?::uuid",
                wa.tenant.tenantId()));
        assertEquals("Jürgen Müller", db().text("SELECT name FROM customers WHERE tenant_id = ?::uuid AND wa_id = ?",
                wa.tenant.tenantId(), waId));
        assertEquals("+4915112345678", db().text("SELECT phone FROM customers WHERE tenant_id = ?::uuid",
                wa.tenant.tenantId()));
    }

    @Test
    void missingWrongAndTamperedSignaturesAreRefusedAndNothingIsStored() {
        WhatsAppFixture wa = WhatsAppFixture.create("signatures");
        String body = wa.body(null, textMessage("15551230001", newWamid(), "hello"), null);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        given().contentType("application/json").body(bytes).post(wa.webhookPath()).then().statusCode(401)
                .contentType("application/problem+json");
        given().contentType("application/json").header("X-Hub-Signature-256", WhatsAppFixture.sign("other", bytes))
                .body(bytes).post(wa.webhookPath()).then().statusCode(401);
        given().contentType("application/json").header("X-Hub-Signature-256", "sha256=zz-not-hex")
                .body(bytes).post(wa.webhookPath()).then().statusCode(401);
        String tampered = body.replace("hello", "hellO");
        given().contentType("application/json").header("X-Hub-Signature-256", WhatsAppFixture.sign(wa.appSecret, bytes))
                .body(tampered.getBytes(StandardCharsets.UTF_8)).post(wa.webhookPath()).then().statusCode(401);
        // the signature covers the raw bytes: the same JSON re-serialised (spaces) is a different body
        String spaced = body.replace(",", ", ");
        given().contentType("application/json").header("X-Hub-Signature-256", WhatsAppFixture.sign(wa.appSecret, bytes))
                .body(spaced.getBytes(StandardCharsets.UTF_8)).post(wa.webhookPath()).then().statusCode(401);
        assertEquals(0, tenantEvents(wa));
        assertEquals(0, db().count("SELECT count(*) FROM sessions WHERE tenant_id = ?::uuid", wa.tenant.tenantId()));
        // and the same bytes signed properly are accepted (the bot's answer may already be in the log too)
        wa.deliver(body).statusCode(200);
        assertEquals(1, db().count("SELECT count(*) FROM events WHERE tenant_id = ?::uuid AND type = 'user_message'",
                wa.tenant.tenantId()));
    }

    @Test
    void badBodiesGetClearErrorsAndUnknownChannelsAreNotFound() {
        WhatsAppFixture wa = WhatsAppFixture.create("bad-bodies");
        wa.deliver("this is not json").statusCode(400).contentType("application/problem+json");
        wa.deliver("{\"object\":\"page\",\"entry\":[]}").statusCode(400);
        wa.deliver("[1,2,3]").statusCode(400);
        wa.deliver(wa.body(null, "{\"from\":\"nonsense\",\"id\":\"x\",\"type\":\"text\"}", null)).statusCode(400);
        String big = wa.body(null, textMessage("15551230002", newWamid(), "x".repeat(1_100_000)), null);
        wa.deliver(big).statusCode(413);
        byte[] bytes = "{}".getBytes(StandardCharsets.UTF_8);
        given().contentType("application/json").header("X-Hub-Signature-256", WhatsAppFixture.sign("s", bytes))
                .body(bytes).post("/webhooks/whatsapp/" + java.util.UUID.randomUUID()).then().statusCode(404);
        given().contentType("application/json").body(bytes).post("/webhooks/whatsapp/not-a-uuid").then()
                .statusCode(404);
        assertEquals(0, tenantEvents(wa));
    }

    @Test
    void oneBodyWithTwoEntriesAndSeveralMessagesStoresEveryOneOfThem() {
        WhatsAppFixture wa = WhatsAppFixture.create("multi");
        String ana = "34600111222";
        String bo = "447700900123";
        String body = "{\"object\":\"whatsapp_business_account\",\"entry\":["
                + wa.entry(contact(ana, "Ana"), textMessage(ana, newWamid(), "hello") + ","
                        + textMessage(ana, newWamid(), "book a table"), null)
                + ",{\"id\":\"WABA\",\"changes\":[" + wa.change(contact(bo, "Bo"), textMessage(bo, newWamid(), "hi"), null)
                + "," + wa.change(null, textMessage(bo, newWamid(), "anyone?"), null) + "]}]}";
        wa.deliver(body).statusCode(200);
        assertEquals(2, events(wa, ana, "user_message"));
        assertEquals(2, events(wa, bo, "user_message"));
        Eventually.within(WAIT, "all four answered", () -> wa.textsTo(ana).size() == 2 && wa.textsTo(bo).size() == 2);
    }

    @Test
    void aChangeForAnotherPhoneNumberIsNotStoredInThisTenant() {
        WhatsAppFixture wa = WhatsAppFixture.create("foreign");
        WhatsAppFixture other = WhatsAppFixture.create("foreign-other");
        // signed with wa's secret but naming other's number: a Meta app serving both, or a forgery
        String body = other.body(null, textMessage("15551230003", newWamid(), "hello"), null);
        wa.deliver(body).statusCode(200);
        assertEquals(0, tenantEvents(wa));
        assertEquals(0, tenantEvents(other));
    }

    @Test
    void everyMessageTypeIsStoredWithItsDescriptorAndUnknownOnesAreAnsweredPolitely() {
        WhatsAppFixture wa = WhatsAppFixture.create("types");
        String waId = "5511987654321";
        List<String> messages = List.of(
                message(waId, newWamid(), "unsupported", "\"errors\":[{\"code\":131051,\"title\":\"Message type unknown\"}]"),
                message(waId, newWamid(), "hologram", ""),
                message(waId, newWamid(), "image", "\"image\":{\"caption\":\"my receipt\",\"mime_type\":\"image/jpeg\","
                        + "\"sha256\":\"abc\",\"id\":\"MEDIA1\"}"),
                message(waId, newWamid(), "audio", "\"audio\":{\"mime_type\":\"audio/ogg; codecs=opus\",\"sha256\":\"d\","
                        + "\"id\":\"MEDIA2\",\"voice\":true}"),
                message(waId, newWamid(), "video", "\"video\":{\"mime_type\":\"video/mp4\",\"id\":\"MEDIA3\"}"),
                message(waId, newWamid(), "document", "\"document\":{\"caption\":\"invoice\",\"filename\":\"inv.pdf\","
                        + "\"mime_type\":\"application/pdf\",\"id\":\"MEDIA4\"}"),
                message(waId, newWamid(), "sticker", "\"sticker\":{\"mime_type\":\"image/webp\",\"id\":\"MEDIA5\","
                        + "\"animated\":false}"),
                message(waId, newWamid(), "location", "\"location\":{\"latitude\":-23.55,\"longitude\":-46.63,"
                        + "\"name\":\"Office\",\"address\":\"Av. Paulista\"}"),
                message(waId, newWamid(), "contacts", "\"contacts\":[{\"name\":{\"formatted_name\":\"Rita\"},"
                        + "\"phones\":[{\"phone\":\"+55 11 5555 0000\",\"type\":\"CELL\"}]}]"),
                message(waId, newWamid(), "interactive", "\"interactive\":{\"type\":\"button_reply\","
                        + "\"button_reply\":{\"id\":\"yes-1\",\"title\":\"Yes please\"}}"),
                message(waId, newWamid(), "button", "\"button\":{\"payload\":\"CONFIRM\",\"text\":\"Confirm\"}"),
                textMessage(waId, newWamid(), "Привет, 你好, مرحبا 👋🏽"));
        wa.deliver(wa.body(null, String.join(",", messages), null)).statusCode(200);

        JsonNode items = read(given().auth().oauth2(wa.tenant.apiKey())
                .get("/api/v1/sessions/" + wa.sessionKey(waId) + "/events?limit=100").then().statusCode(200)
                .extract().asString()).path("items");
        Map<String, JsonNode> byKind = new java.util.HashMap<>();
        for (JsonNode item : items) {
            if (item.path("type").asText().equals("user_message")) {
                byKind.put(item.path("payload").path("kind").asText(), item.path("payload"));
            }
        }
        assertEquals(12, byKind.size(), byKind.keySet().toString());
        assertEquals("my receipt", byKind.get("image").path("text").asText());
        assertEquals("MEDIA1", byKind.get("image").path("media").path("id").asText());
        assertEquals("image/jpeg", byKind.get("image").path("media").path("mimeType").asText());
        assertTrue(byKind.get("audio").path("media").path("voice").asBoolean());
        assertEquals("inv.pdf", byKind.get("document").path("media").path("filename").asText());
        assertEquals(-23.55, byKind.get("location").path("location").path("latitude").asDouble(), 1e-9);
        assertEquals("Rita", byKind.get("contacts").path("contacts").path(0).path("name").asText());
        assertEquals("Yes please", byKind.get("interactive").path("text").asText());
        assertEquals("yes-1", byKind.get("interactive").path("reply").path("id").asText());
        assertEquals("CONFIRM", byKind.get("button").path("reply").path("payload").asText());
        assertTrue(byKind.get("unsupported").path("unsupported").asBoolean());
        assertTrue(byKind.get("hologram").path("unsupported").asBoolean());
        assertEquals("Привет, 你好, مرحبا 👋🏽", byKind.get("text").path("text").asText());

        Eventually.within(WAIT, "every message processed", () -> db().count("SELECT count(*) FROM sessions WHERE "
                + "tenant_id = ?::uuid AND processed_seq = last_inbound_seq AND last_inbound_seq > 0",
                wa.tenant.tenantId()) == 1);
        // (the messages without text count as misunderstandings, so the bot hands over after three and goes quiet)
        Eventually.within(WAIT, "the unreadable ones answered", () -> wa.textsTo(waId).size() >= 2);
        List<String> answers = wa.textsTo(waId).stream()
                .map(r -> read(r.getBodyAsString()).path("text").path("body").asText()).toList();
        assertEquals(List.of("Sorry, I can only read text and pictures here.",
                "Sorry, I can only read text and pictures here."), answers.subList(0, 2));
    }

    @Test
    void textPostgresCannotStoreIsKeptReadableInsteadOfRefused() {
        WhatsAppFixture wa = WhatsAppFixture.create("nul");
        String waId = "15551230004";
        wa.deliver(wa.body(null, textMessage(waId, newWamid(), "a\u0000b"), null)).statusCode(200);
        assertEquals("a\uFFFDb", db().text("SELECT e.payload->>'text' FROM events e JOIN sessions s "
                + "ON s.id = e.session_id WHERE s.tenant_id = ?::uuid AND e.type = 'user_message'",
                wa.tenant.tenantId()));
    }

    @Test
    void webClientsCannotUseWhatsAppSessionKeys() {
        WhatsAppFixture wa = WhatsAppFixture.create("reserved");
        given().contentType(ContentType.JSON).auth().oauth2(wa.tenant.apiKey())
                .header("Idempotency-Key", java.util.UUID.randomUUID().toString())
                .body(Map.of("text", "hi")).post("/api/v1/sessions/wa:" + wa.phoneNumberId + ":15550001/messages")
                .then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON).auth().oauth2(wa.tenant.apiKey())
                .header("Idempotency-Key", java.util.UUID.randomUUID().toString())
                .post("/api/v1/sessions/wa:x/client-tokens").then().statusCode(400);
        assertEquals(0, tenantEvents(wa));
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
