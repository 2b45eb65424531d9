package dev.switchboard.genesys;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.switchboard.channels.whatsapp.WhatsAppFixture.newWamid;
import static dev.switchboard.channels.whatsapp.WhatsAppFixture.textMessage;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.switchboard.channels.whatsapp.WhatsAppFixture;
import dev.switchboard.support.ChatClient;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Handing over to Genesys Cloud through Open Messaging, with WireMock as Genesys's login and API hosts. */
@QuarkusTest
@QuarkusTestResource(GenesysFake.class)
class GenesysDeskTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;
    @Inject
    DataSource dataSource;
    @Inject
    GenesysEndings endings;

    Tenants.Credentials tenant;
    String integrationId;
    String clientId;
    String clientSecret;
    String webhookSecret;
    String webhookPath;
    String genesysConversation;

    @BeforeEach
    void setUp() {
        tenant = Tenants.create("genesys-" + UUID.randomUUID());
        integrationId = UUID.randomUUID().toString();
        clientId = "client-" + UUID.randomUUID();
        clientSecret = "secret-" + UUID.randomUUID();
        webhookSecret = "hook-" + UUID.randomUUID();
        genesysConversation = UUID.randomUUID().toString();
        webhookPath = configure(tenant, 86_400);
    }

    private String configure(Tenants.Credentials who, int tokenSeconds) {
        GenesysFake.server().stubFor(post(urlEqualTo("/oauth/token"))
                .withBasicAuth(clientId, clientSecret).willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"access_token\":\"token-" + clientId + "\",\"token_type\":\"bearer\",\"expires_in\":"
                                + tokenSeconds + "}")));
        GenesysFake.server().stubFor(post(urlEqualTo(inboundPath())).atPriority(5)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"gm-{{randomValue length=12 type='ALPHANUMERIC'}}\",\"conversationId\":\""
                                + genesysConversation + "\"}").withTransformers("response-template")));
        GenesysFake.server().stubFor(get(urlEqualTo("/api/v2/conversations/messages/" + genesysConversation))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(participants("connected", "connected"))));
        GenesysFake.server().stubFor(patch(urlPathEqualTo("/api/v2/conversations/messages/" + genesysConversation
                + "/participants/p-customer")).willReturn(aResponse().withStatus(202)));
        return given().contentType(ContentType.JSON).auth().oauth2(Tenants.ADMIN_TOKEN)
                .body(Map.of("provider", "genesys", "region", "mypurecloud.ie", "integrationId", integrationId,
                        "clientId", clientId, "clientSecret", clientSecret, "webhookSecret", webhookSecret))
                .put("/api/v1/admin/tenants/" + who.tenantId() + "/desk").then().statusCode(200)
                .body("provider", equalTo("genesys")).body("webhookPath", startsWith("/webhooks/genesys/"))
                .extract().path("webhookPath");
    }

    private static String participants(String customer, String agent) {
        return "{\"id\":\"x\",\"participants\":[{\"id\":\"p-customer\",\"purpose\":\"customer\",\"state\":\"" + customer
                + "\"},{\"id\":\"p-agent\",\"purpose\":\"agent\",\"state\":\"" + agent + "\"}]}";
    }

    private String inboundPath() {
        return "/api/v2/conversations/messages/" + integrationId + "/inbound/open/message?prefetchConversationId=true";
    }

    /** The inbound messages Genesys accepted, oldest first. */
    private List<JsonNode> delivered() {
        List<JsonNode> accepted = new ArrayList<>(GenesysFake.server().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals(inboundPath()) && e.getResponse().getStatus() == 200)
                .map(e -> json(e.getRequest())).toList());
        Collections.reverse(accepted); // the journal is newest first
        return accepted;
    }

    private static JsonNode json(LoggedRequest request) {
        try {
            return JSON.readTree(request.getBodyAsString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long sessionId(String key) {
        return new Db(dataSource).count("SELECT id FROM sessions WHERE tenant_id = ?::uuid AND external_key = ?",
                tenant.tenantId(), key);
    }

    private void webhook(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        given().contentType("application/json").header("X-Hub-Signature-256", sign(webhookSecret, bytes)).body(bytes)
                .post(webhookPath).then().statusCode(200);
    }

    static String sign(String secret, byte[] body) {
        return "sha256=" + Base64.getEncoder().encodeToString(GenesysSignature.sign(secret, body));
    }

    private String agentText(String id, long sessionId, String nickname, String text) {
        return "{\"id\":\"" + id + "\",\"channel\":{\"id\":\"" + integrationId + "\",\"platform\":\"Open\","
                + "\"type\":\"Private\",\"to\":{\"id\":\"s" + sessionId + "\",\"idType\":\"Opaque\"},"
                + "\"from\":{\"nickname\":\"" + nickname + "\",\"id\":\"" + integrationId + "\",\"idType\":\"Opaque\"},"
                + "\"time\":\"2026-12-01T10:00:00.000Z\"},\"direction\":\"Outbound\",\"originatingEntity\":\"Human\","
                + "\"type\":\"Text\",\"text\":\"" + text + "\",\"conversationId\":\"" + genesysConversation + "\"}";
    }

    /** A web customer who asked for a person: the conversation is with Genesys now. */
    private ChatClient handedOver(String key) {
        ChatClient chat = ChatClient.connect(base, key, tenant.apiKey(), null);
        chat.sendMessage("m1", "hello");
        chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT);
        chat.sendMessage("m2", "I want to speak to a human please");
        chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT);
        Eventually.within(WAIT, "context and message at Genesys", () -> delivered().stream()
                .filter(m -> m.at("/channel/from/id").asText().equals("s" + sessionId(key))).count() >= 2);
        return chat;
    }

    @Test
    void theHandoffOpensAGenesysConversationWithTheContextThenEveryCustomerMessageInOrder() {
        // the first send is throttled: it waits as Genesys says, and the next message does not overtake it
        GenesysFake.server().stubFor(post(urlEqualTo(inboundPath())).atPriority(1).inScenario("throttle-" + integrationId)
                .whenScenarioStateIs(STARTED).willSetStateTo("served")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")));
        try (ChatClient chat = handedOver("to-genesys")) {
            long session = sessionId("to-genesys");
            chat.sendMessage("m3", "are you there?");
            Eventually.within(WAIT, "the later message too", () -> delivered().size() >= 3);
            List<JsonNode> sent = delivered();
            assertEquals(List.of("sb-" + session + "-" + seqOf(session, "m2") + "-context",
                    "sb-" + session + "-" + seqOf(session, "m2"), "sb-" + session + "-" + seqOf(session, "m3")),
                    sent.stream().map(m -> m.at("/channel/messageId").asText()).toList(), "context first, then in order");
            JsonNode context = sent.get(0);
            assertTrue(context.path("text").asText().contains("Customer: hello"), context.toString());
            assertEquals("I want to speak to a human please", sent.get(1).path("text").asText());
            assertEquals("are you there?", sent.get(2).path("text").asText());
            for (JsonNode message : sent) {
                assertEquals("Open", message.at("/channel/platform").asText());
                assertEquals("Private", message.at("/channel/type").asText());
                assertEquals("Inbound", message.path("direction").asText());
                assertEquals("Text", message.path("type").asText());
                assertEquals("s" + session, message.at("/channel/from/id").asText());
                assertEquals("Opaque", message.at("/channel/from/idType").asText());
                assertFalse(message.at("/channel/time").asText().isEmpty());
            }
            LoggedRequest token = GenesysFake.server().findAll(postRequestedFor(urlEqualTo("/oauth/token"))
                    .withBasicAuth(new com.github.tomakehurst.wiremock.client.BasicCredentials(clientId, clientSecret)))
                    .get(0);
            assertEquals("grant_type=client_credentials", token.getBodyAsString());
            assertEquals(1, new Db(dataSource).count("SELECT count(*) FROM genesys_conversations WHERE session_id = ? "
                    + "AND genesys_conversation_id = ?", session, genesysConversation), "the Genesys id is recorded");
        }
    }

    private long seqOf(long sessionId, String clientId) {
        return new Db(dataSource).count("SELECT seq FROM events WHERE session_id = ? AND client_msg_id = ?", sessionId,
                clientId);
    }

    @Test
    void aSignedAgentReplyReachesTheCustomerOnceAndTypingShowsAndAForgedOneIsRefused() {
        try (ChatClient chat = handedOver("agent-reply")) {
            long session = sessionId("agent-reply");
            webhook("{\"id\":\"t1\",\"channel\":{\"to\":{\"id\":\"s" + session + "\"},\"from\":{\"nickname\":\"Gina\"}},"
                    + "\"type\":\"Event\",\"direction\":\"Outbound\",\"events\":[{\"eventType\":\"Typing\","
                    + "\"typing\":{\"type\":\"On\",\"duration\":5000}}]}");
            JsonNode typing = chat.collect(f -> ChatClient.isType(f, "typing"), 1, WAIT).get(0);
            assertEquals("Gina", typing.at("/from/name").asText());

            String reply = agentText("gm-out-1", session, "Gina", "Hi, Gina here");
            webhook(reply);
            JsonNode message = chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT).get(0);
            assertEquals("Hi, Gina here", message.path("text").asText());
            assertEquals("agent", message.at("/from/kind").asText());
            assertEquals("Gina", message.at("/from/name").asText());

            webhook(reply); // Genesys retries: stored once
            byte[] forged = agentText("gm-out-2", session, "Gina", "forged").getBytes(StandardCharsets.UTF_8);
            given().contentType("application/json").header("X-Hub-Signature-256", sign("wrong", forged)).body(forged)
                    .post(webhookPath).then().statusCode(401);
            given().contentType("application/json").body(forged).post(webhookPath).then().statusCode(401);
            assertTrue(chat.drain(Duration.ofSeconds(1)).stream().noneMatch(f -> ChatClient.isType(f, "message")),
                    "neither the repeat nor the forged message reached the customer");
            assertEquals(1, new Db(dataSource).count("SELECT count(*) FROM events WHERE session_id = ? AND "
                    + "type = 'agent_message'", session));
        }
    }

    @Test
    void givingTheConversationBackToTheBotDisconnectsTheGenesysSide() {
        try (ChatClient chat = handedOver("release")) {
            long session = sessionId("release");
            Eventually.within(WAIT, "mapped", () -> new Db(dataSource).count(
                    "SELECT count(*) FROM genesys_conversations WHERE session_id = ?", session) == 1);
            String conversation = new Db(dataSource).text("SELECT id::text FROM conversations WHERE session_id = ? "
                    + "AND status <> 'resolved'", session);
            given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                    .header("Idempotency-Key", UUID.randomUUID().toString()).body("{}")
                    .post("/api/v1/conversations/" + conversation + "/release").then().statusCode(202);
            Eventually.within(WAIT, "the customer's participant disconnected", () -> !GenesysFake.server().findAll(
                    patchRequestedFor(urlEqualTo("/api/v2/conversations/messages/" + genesysConversation
                            + "/participants/p-customer"))).isEmpty());
            LoggedRequest disconnect = GenesysFake.server().findAll(patchRequestedFor(urlEqualTo(
                    "/api/v2/conversations/messages/" + genesysConversation + "/participants/p-customer"))).get(0);
            assertEquals("disconnected", json(disconnect).path("state").asText());

            webhook(agentText("gm-late", session, "Gina", "too late")); // Genesys no longer speaks for it
            assertEquals(0, new Db(dataSource).count("SELECT count(*) FROM events WHERE session_id = ? AND "
                    + "type = 'agent_message'", session));
        }
    }

    @Test
    void whenTheGenesysAgentEndsTheConversationTheCustomerIsBackWithTheBot() {
        try (ChatClient chat = handedOver("genesys-ends")) {
            long session = sessionId("genesys-ends");
            Eventually.within(WAIT, "mapped", () -> new Db(dataSource).count(
                    "SELECT count(*) FROM genesys_conversations WHERE session_id = ?", session) == 1);
            GenesysFake.server().stubFor(get(urlEqualTo("/api/v2/conversations/messages/" + genesysConversation))
                    .atPriority(1).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withBody(participants("connected", "disconnected"))));
            endings.check();
            Eventually.within(WAIT, "resolved here", () -> new Db(dataSource).count("SELECT count(*) FROM conversations "
                    + "WHERE session_id = ? AND status = 'resolved'", session) == 1);
            int sentBefore = delivered().size();
            chat.sendMessage("m4", "hello again");
            JsonNode answer = chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT).get(0);
            assertEquals("bot", answer.at("/from/kind").asText("bot"), "the bot answers again");
            assertEquals(sentBefore, delivered().size(), "nothing more goes to Genesys");
            assertTrue(GenesysFake.server().findAll(patchRequestedFor(urlPathEqualTo("/api/v2/conversations/messages/"
                    + genesysConversation + "/participants/p-customer"))).isEmpty(), "Genesys ended it: no disconnect");
        }
    }

    @Test
    void aTokenNearItsExpiryIsRenewedAndATenantWithTheBuiltInDeskSendsNothing() {
        Tenants.Credentials shortLived = Tenants.create("genesys-short-" + UUID.randomUUID());
        tenant = shortLived;
        integrationId = UUID.randomUUID().toString();
        clientId = "client-" + UUID.randomUUID();
        genesysConversation = UUID.randomUUID().toString();
        webhookPath = configure(shortLived, 30); // shorter than the refresh margin: renewed on every call
        try (ChatClient chat = handedOver("short-token")) {
            chat.sendMessage("m3", "still there?");
            Eventually.within(WAIT, "three sends", () -> delivered().size() >= 3);
            assertTrue(GenesysFake.server().findAll(postRequestedFor(urlEqualTo("/oauth/token"))
                    .withBasicAuth(new com.github.tomakehurst.wiremock.client.BasicCredentials(clientId, clientSecret)))
                    .size() >= 3, "a token about to expire is not used");
        }

        Tenants.Credentials builtin = Tenants.create("builtin-" + UUID.randomUUID());
        int before = GenesysFake.server().getAllServeEvents().size();
        try (ChatClient chat = ChatClient.connect(base, "builtin-desk", builtin.apiKey(), null)) {
            chat.sendMessage("m1", "I want to speak to a human please");
            chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT);
        }
        Eventually.within(WAIT, "pending on the built-in desk", () -> new Db(dataSource).count("SELECT count(*) FROM "
                + "conversations WHERE tenant_id = ?::uuid AND status = 'pending'", builtin.tenantId()) == 1);
        assertEquals(before, GenesysFake.server().getAllServeEvents().size(), "the built-in desk calls no Genesys");
    }

    @Test
    void theDeskIsConfiguredWithValidatedSettingsAndItsSecretsAreNeverShownOrStoredInClear() {
        given().auth().oauth2(Tenants.ADMIN_TOKEN).get("/api/v1/admin/tenants/" + tenant.tenantId() + "/desk").then()
                .statusCode(200).body("provider", equalTo("genesys")).body("region", equalTo("mypurecloud.ie"))
                .body("integrationId", equalTo(integrationId)).body("webhookPath", equalTo(webhookPath))
                .body(not(containsString(clientSecret))).body(not(containsString(webhookSecret)));
        assertEquals(0, new Db(dataSource).count("SELECT count(*) FROM desk_providers WHERE client_secret LIKE ? "
                + "OR webhook_secret LIKE ?", "%" + clientSecret + "%", "%" + webhookSecret + "%"), "sealed at rest");
        String desk = "/api/v1/admin/tenants/" + tenant.tenantId() + "/desk";
        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                Map.of("provider", "genesys", "region", "evil.example.com", "integrationId", "i", "clientId", "c",
                        "clientSecret", "s", "webhookSecret", "w"),
                Map.of("provider", "genesys", "region", "mypurecloud.com", "integrationId", "i", "clientId", "c"),
                Map.of("provider", "zendesk"))) {
            given().contentType(ContentType.JSON).auth().oauth2(Tenants.ADMIN_TOKEN).body(bad).put(desk).then()
                    .statusCode(400).contentType("application/problem+json");
        }
        given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey()).body(Map.of("provider", "builtin"))
                .put(desk).then().statusCode(401);
        given().contentType(ContentType.JSON).auth().oauth2(Tenants.ADMIN_TOKEN).body(Map.of("provider", "builtin"))
                .put(desk).then().statusCode(200).body("provider", equalTo("builtin"));
        given().contentType("application/json").body("{}").post(webhookPath).then().statusCode(404);
        assertEquals(webhookPath, configure(tenant, 86_400), "back to Genesys, with the same webhook path");
    }

    @Test
    void aWhatsAppCustomerGetsTheGenesysAgentsRepliesAndGenesysTheirReceipts() {
        WhatsAppFixture wa = WhatsAppFixture.create("genesys-wa");
        tenant = wa.tenant;
        webhookPath = configure(wa.tenant, 86_400);
        String waId = "15557779001";
        wa.deliver(wa.body(null, textMessage(waId, newWamid(), "hello"), null)).statusCode(200);
        wa.deliver(wa.body(null, textMessage(waId, newWamid(), "I need a human"), null)).statusCode(200);
        long session = sessionId(wa.sessionKey(waId));
        Eventually.within(WAIT, "handed over to Genesys", () -> delivered().stream()
                .filter(m -> m.at("/channel/from/id").asText().equals("s" + session)).count() >= 2);

        webhook(agentText("gm-wa-1", session, "Gina", "Hi from Gina"));
        Eventually.within(WAIT, "the reply went to WhatsApp", () -> wa.textsTo(waId).stream()
                .anyMatch(r -> r.getBodyAsString().contains("Hi from Gina")));
        String wamid = waitForWamid(session, "Hi from Gina");
        wa.deliver(wa.body(null, null, WhatsAppFixture.status(wamid, "delivered", waId))).statusCode(200);
        JsonNode delivered = receipt("gm-wa-1");
        assertEquals("Delivered", delivered.path("status").asText());
        assertEquals("s" + session, delivered.at("/channel/to/id").asText());
        assertTrue(delivered.path("isFinalReceipt").asBoolean());

        webhook(agentText("gm-wa-2", session, "Gina", "Are you still there"));
        String second = waitForWamid(session, "Are you still there");
        wa.deliver(wa.body(null, null, WhatsAppFixture.failedStatus(second, waId, 131047, "Re-engagement message")))
                .statusCode(200);
        JsonNode failed = receipt("gm-wa-2");
        assertEquals("Failed", failed.path("status").asText());
        assertEquals("MessageNotAllowed", failed.at("/reasons/0/code").asText());
    }

    @Test
    void aTypingCustomerIsShownToTheGenesysAgent() {
        try (ChatClient chat = handedOver("typing-customer")) {
            long session = sessionId("typing-customer");
            Eventually.within(WAIT, "mapped", () -> new Db(dataSource).count(
                    "SELECT count(*) FROM genesys_conversations WHERE session_id = ?", session) == 1);
            GenesysFake.server().stubFor(post(urlEqualTo("/api/v2/conversations/messages/" + integrationId
                    + "/inbound/open/event")).willReturn(aResponse().withStatus(200).withBody("{}")));
            chat.send("{\"type\":\"typing\"}");
            Eventually.within(WAIT, "a typing event at Genesys", () -> GenesysFake.server().findAll(postRequestedFor(
                    urlEqualTo("/api/v2/conversations/messages/" + integrationId + "/inbound/open/event"))).stream()
                    .map(GenesysDeskTest::json).anyMatch(e -> e.at("/events/0/eventType").asText().equals("Typing")
                            && e.at("/channel/from/id").asText().equals("s" + session)));
        }
    }

    @Test
    void anOutageOpensTheBreakerHoldsMessagesBackAndLosesNothingWhenGenesysIsBack() {
        StubMapping outage = GenesysFake.server().stubFor(post(urlEqualTo(inboundPath())).atPriority(1)
                .willReturn(aResponse().withStatus(503)));
        long session;
        try (ChatClient chat = ChatClient.connect(base, "outage", tenant.apiKey(), null)) {
            chat.sendMessage("m1", "I want to speak to a human please");
            chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT);
            session = sessionId("outage");
            for (int i = 2; i <= 4; i++) {
                chat.sendMessage("m" + i, "message " + i);
            }
            long id = session;
            Eventually.within(Duration.ofSeconds(30), "the breaker opened and holds the messages back", () ->
                    new Db(dataSource).count("SELECT count(*) FROM effects WHERE session_id = ? AND channel = 'genesys' "
                            + "AND last_error LIKE '%circuit breaker%'", id) > 0);
            // two failures open the breaker (request volume 2); the outage outlasts two half-open probes,
            // more than the test profile's three attempts could pay for if probes were charged
            Eventually.within(Duration.ofSeconds(30), "two half-open probes failed", () -> GenesysFake.server()
                    .getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().equals(inboundPath())
                            && e.getResponse().getStatus() == 503).count() >= 4);
        } finally {
            GenesysFake.server().removeStub(outage);
        }
        long id = session;
        Eventually.within(Duration.ofSeconds(40), "every message reached Genesys after the outage", () -> delivered()
                .stream().filter(m -> m.at("/channel/from/id").asText().equals("s" + id)).count() == 5);
        List<String> texts = delivered().stream().filter(m -> m.at("/channel/from/id").asText().equals("s" + id))
                .map(m -> m.path("text").asText()).toList();
        assertEquals(List.of("I want to speak to a human please", "message 2", "message 3", "message 4"),
                texts.subList(1, 5), "in order, once each, after the context");
        assertEquals(0, new Db(dataSource).count("SELECT count(*) FROM effects WHERE session_id = ? AND status = 'dead'",
                id), "an outage drops nothing");
    }

    private String waitForWamid(long session, String text) {
        Eventually.within(WAIT, "the WhatsApp message id of '" + text + "'", () -> new Db(dataSource).count(
                "SELECT count(*) FROM effects WHERE session_id = ? AND external_id IS NOT NULL AND payload->>'text' = ?",
                session, text) == 1);
        return new Db(dataSource).text("SELECT external_id FROM effects WHERE session_id = ? AND payload->>'text' = ?",
                session, text);
    }

    private JsonNode receipt(String genesysMessageId) {
        String path = "/api/v2/conversations/messages/" + integrationId + "/inbound/open/receipt";
        GenesysFake.server().stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200).withBody("{}")));
        Eventually.within(WAIT, "a receipt for " + genesysMessageId, () -> GenesysFake.server().findAll(
                postRequestedFor(urlEqualTo(path))).stream().map(GenesysDeskTest::json)
                .anyMatch(r -> r.path("id").asText().equals(genesysMessageId)));
        return GenesysFake.server().findAll(postRequestedFor(urlEqualTo(path))).stream().map(GenesysDeskTest::json)
                .filter(r -> r.path("id").asText().equals(genesysMessageId)).findFirst().orElseThrow();
    }
}
