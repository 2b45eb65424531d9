package dev.switchboard.desk;

import static dev.switchboard.channels.whatsapp.WhatsAppFixture.newWamid;
import static dev.switchboard.channels.whatsapp.WhatsAppFixture.textMessage;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.channels.whatsapp.GraphApiFake;
import dev.switchboard.channels.whatsapp.WhatsAppFixture;
import dev.switchboard.support.ChatClient;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The human side: agents, the inbox, claims, replies on the customer's own channel, notes, transfer, resolve. */
@QuarkusTest
@QuarkusTestResource(GraphApiFake.class)
class HumanAgentsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TestHTTPResource("/")
    URI base;

    @jakarta.inject.Inject
    javax.sql.DataSource dataSource;

    record Agent(String id, String token) {
    }

    private static Agent agent(Tenants.Credentials tenant, String name) {
        JsonPath created = given().contentType(ContentType.JSON).auth().oauth2(Tenants.ADMIN_TOKEN)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("name", name, "email", name.toLowerCase() + "-" + UUID.randomUUID() + "@example.com"))
                .post("/api/v1/admin/tenants/" + tenant.tenantId() + "/agents")
                .then().statusCode(201).extract().jsonPath();
        assertTrue(created.getString("token").startsWith("sba_"));
        return new Agent(created.getString("id"), created.getString("token"));
    }

    private static RequestSpecification as(String credential) {
        return given().contentType(ContentType.JSON).auth().oauth2(credential)
                .header("Idempotency-Key", UUID.randomUUID().toString());
    }

    private static JsonPath inbox(String credential, String query) {
        return given().auth().oauth2(credential).get("/api/v1/conversations" + query).then().statusCode(200)
                .extract().jsonPath();
    }

    private static String conversationOf(String credential, String sessionKey, String status) {
        JsonPath page = inbox(credential, "?status=" + status);
        List<Map<String, Object>> items = page.getList("items");
        return items.stream().filter(c -> sessionKey.equals(c.get("sessionKey"))).map(c -> (String) c.get("id"))
                .findFirst().orElse(null);
    }

    @Test
    void aWebAndAWhatsAppCustomerAreHandedOverAnsweredOnTheirOwnChannelsAndResolved() throws Exception {
        WhatsAppFixture wa = WhatsAppFixture.create("desk");
        Tenants.Credentials tenant = wa.tenant;
        Agent ann = agent(tenant, "Ann");
        Agent bob = agent(tenant, "Bob");
        String waId = "4477009001234";
        String waKey = wa.sessionKey(waId);

        try (ChatClient web = ChatClient.connect(base, "desk-web", tenant.apiKey(), null)) {
            web.sendMessage("w1", "I want to speak to a human please");
            web.collect(f -> ChatClient.isType(f, "message"), 1, WAIT);
            wa.deliver(wa.body(null, textMessage(waId, newWamid(), "I need a human"), null)).statusCode(200);

            Eventually.within(WAIT, "both wait for a person", () -> conversationOf(ann.token(), "desk-web", "pending") != null
                    && conversationOf(ann.token(), waKey, "pending") != null);
            String webConversation = conversationOf(ann.token(), "desk-web", "pending");
            String waConversation = conversationOf(ann.token(), waKey, "pending");

            as(ann.token()).body(Map.of("agentId", ann.id())).post("/api/v1/conversations/" + webConversation + "/assign")
                    .then().statusCode(200);
            as(bob.token()).body(Map.of("agentId", bob.id())).post("/api/v1/conversations/" + waConversation + "/assign")
                    .then().statusCode(200);
            assertEquals("open", inbox(ann.token(), "?assignee=me").getString("items[0].status"));
            assertEquals(webConversation, inbox(ann.token(), "?assignee=me").getString("items[0].id"));

            as(ann.token()).body(Map.of("id", "r1", "text", "Hi, Ann here. How can I help?"))
                    .post("/api/v1/conversations/" + webConversation + "/messages").then().statusCode(202);
            as(ann.token()).body(Map.of("id", "n1", "text", "customer seems upset"))
                    .post("/api/v1/conversations/" + webConversation + "/notes").then().statusCode(201);
            as(bob.token()).body(Map.of("id", "r1", "text", "Bob from support here"))
                    .post("/api/v1/conversations/" + waConversation + "/messages").then().statusCode(202);

            JsonNode reply = web.collect(f -> ChatClient.isType(f, "message")
                    && f.path("text").asText().startsWith("Hi, Ann"), 1, WAIT).get(0);
            assertEquals("agent", reply.path("from").path("kind").asText());
            assertEquals("Ann", reply.path("from").path("name").asText());
            Eventually.within(WAIT, "Bob's reply went to WhatsApp", () -> wa.textsTo(waId).stream()
                    .anyMatch(r -> r.getBodyAsString().contains("Bob from support here")));
            assertFalse(wa.textsTo(waId).stream().anyMatch(r -> r.getBodyAsString().contains("Ann here")));

            // the bot stays silent while a person has the conversation
            web.sendMessage("w2", "thanks, my order is late");
            JsonPath view = given().auth().oauth2(ann.token()).get("/api/v1/conversations/" + webConversation
                    + "/messages").then().statusCode(200).extract().jsonPath();
            assertTrue(view.getList("items.direction").contains("note"));
            assertEquals("Ann", view.getString("items.find { it.author.kind == 'agent' && it.direction == 'out' }.author.name"));

            // transfer, then resolve: the next message gets the bot again in a new conversation
            as(ann.token()).body(Map.of("agentId", bob.id())).post("/api/v1/conversations/" + webConversation + "/assign")
                    .then().statusCode(200);
            assertEquals(bob.id(), given().auth().oauth2(bob.token()).get("/api/v1/conversations/" + webConversation)
                    .then().statusCode(200).extract().path("assigneeId"));
            as(bob.token()).post("/api/v1/conversations/" + webConversation + "/resolve").then().statusCode(202);
            Eventually.within(WAIT, "resolved", () -> "resolved".equals(given().auth().oauth2(bob.token())
                    .get("/api/v1/conversations/" + webConversation).then().extract().path("status")));
            as(bob.token()).body(Map.of("id", "late", "text", "one more thing"))
                    .post("/api/v1/conversations/" + webConversation + "/messages").then().statusCode(409);

            web.sendMessage("w3", "hello");
            JsonNode bot = web.collect(f -> ChatClient.isType(f, "message") && f.path("replyTo").asLong() > 0
                    && "bot".equals(f.path("from").path("kind").asText()) && f.path("text").asText().startsWith("Hello"),
                    1, WAIT).get(0);
            assertNotNull(bot);
            Eventually.within(WAIT, "a new bot conversation", () -> conversationOf(ann.token(), "desk-web", "bot") != null);
            assertFalse(webConversation.equals(conversationOf(ann.token(), "desk-web", "bot")));
        }
        // notes never reach a customer, on any channel
        assertFalse(wa.textsTo(waId).stream().anyMatch(r -> r.getBodyAsString().contains("upset")));
    }

    @Test
    void releaseGivesTheConversationBackToTheBot() {
        Tenants.Credentials tenant = Tenants.create("desk-release-" + UUID.randomUUID());
        Agent ann = agent(tenant, "Ann");
        as(tenant.apiKey()).body(Map.of("text", "operator please")).post("/api/v1/sessions/rel-1/messages")
                .then().statusCode(202);
        Eventually.within(WAIT, "pending", () -> conversationOf(ann.token(), "rel-1", "pending") != null);
        String id = conversationOf(ann.token(), "rel-1", "pending");
        as(ann.token()).post("/api/v1/conversations/" + id + "/release").then().statusCode(202);
        Eventually.within(WAIT, "back with the bot", () -> "bot".equals(given().auth().oauth2(ann.token())
                .get("/api/v1/conversations/" + id).then().extract().path("status")));
    }

    @Test
    void anIntegrationActsForANamedAgentAndBadRequestsStoreNothing() {
        Tenants.Credentials tenant = Tenants.create("desk-api-" + UUID.randomUUID());
        Agent ann = agent(tenant, "Ann");
        as(tenant.apiKey()).body(Map.of("text", "human")).post("/api/v1/sessions/api-1/messages").then().statusCode(202);
        Eventually.within(WAIT, "pending", () -> conversationOf(tenant.apiKey(), "api-1", "pending") != null);
        String id = conversationOf(tenant.apiKey(), "api-1", "pending");

        as(tenant.apiKey()).body(Map.of("id", "x", "text", "hi")).post("/api/v1/conversations/" + id + "/messages")
                .then().statusCode(400); // no agentId
        as(tenant.apiKey()).body(Map.of("id", "x", "text", "  ", "agentId", ann.id()))
                .post("/api/v1/conversations/" + id + "/messages").then().statusCode(400);
        as(tenant.apiKey()).body(Map.of("id", "x", "text", "x".repeat(20_000), "agentId", ann.id()))
                .post("/api/v1/conversations/" + id + "/messages").then().statusCode(400);
        as(tenant.apiKey()).body("{\"id\":\"x\",\"text\":\"a\\u0000b\",\"agentId\":\"" + ann.id() + "\"}")
                .post("/api/v1/conversations/" + id + "/messages").then().statusCode(400);
        as(tenant.apiKey()).body(Map.of("id", "x", "text", "hi", "agentId", UUID.randomUUID().toString()))
                .post("/api/v1/conversations/" + id + "/messages").then().statusCode(404);
        as(tenant.apiKey()).body(Map.of("id", "x", "text", "hi there", "agentId", ann.id()))
                .post("/api/v1/conversations/" + id + "/messages").then().statusCode(202);
        Eventually.within(WAIT, "open, assigned to the agent who replied", () -> ann.id().equals(given()
                .auth().oauth2(tenant.apiKey()).get("/api/v1/conversations/" + id).then().extract().path("assigneeId")));
        assertNotNull(given().auth().oauth2(tenant.apiKey()).get("/api/v1/conversations/" + id).then()
                .extract().path("firstHumanReplyAt"));
        given().auth().oauth2(tenant.apiKey()).get("/api/v1/conversations?status=nonsense").then().statusCode(400);
        given().auth().oauth2(tenant.apiKey()).get("/api/v1/conversations?assignee=me").then().statusCode(400);
    }

    @Test
    void anotherTenantsConversationsAndAgentsAreNotFoundAndAgentTokensOpenNothingElse() {
        Tenants.Credentials a = Tenants.create("desk-a-" + UUID.randomUUID());
        Tenants.Credentials b = Tenants.create("desk-b-" + UUID.randomUUID());
        Agent annA = agent(a, "Ann");
        Agent bobB = agent(b, "Bob");
        as(a.apiKey()).body(Map.of("text", "human")).post("/api/v1/sessions/iso-1/messages").then().statusCode(202);
        Eventually.within(WAIT, "pending", () -> conversationOf(annA.token(), "iso-1", "pending") != null);
        String id = conversationOf(annA.token(), "iso-1", "pending");

        assertNull(conversationOf(bobB.token(), "iso-1", "pending"));
        given().auth().oauth2(bobB.token()).get("/api/v1/conversations/" + id).then().statusCode(404);
        given().auth().oauth2(bobB.token()).get("/api/v1/conversations/" + id + "/messages").then().statusCode(404);
        as(bobB.token()).body(Map.of("agentId", bobB.id())).post("/api/v1/conversations/" + id + "/assign")
                .then().statusCode(404);
        as(bobB.token()).body(Map.of("id", "x", "text", "hi")).post("/api/v1/conversations/" + id + "/messages")
                .then().statusCode(404);
        as(bobB.token()).body(Map.of("id", "x", "text", "hi")).post("/api/v1/conversations/" + id + "/notes")
                .then().statusCode(404);
        as(bobB.token()).post("/api/v1/conversations/" + id + "/resolve").then().statusCode(404);
        as(bobB.token()).post("/api/v1/conversations/" + id + "/release").then().statusCode(404);
        // tenant A cannot hand its conversation to tenant B's agent
        as(annA.token()).body(Map.of("agentId", bobB.id())).post("/api/v1/conversations/" + id + "/assign")
                .then().statusCode(404);
        // agent tokens are for the desk only
        given().auth().oauth2(annA.token()).get("/api/v1/sessions/iso-1").then().statusCode(401);
        given().auth().oauth2(annA.token()).get("/api/v1/customers").then().statusCode(401);
        // and B's admin path cannot deactivate A's agent
        given().auth().oauth2(Tenants.ADMIN_TOKEN).delete("/api/v1/admin/tenants/" + b.tenantId() + "/agents/"
                + annA.id()).then().statusCode(404);
    }

    @Test
    void aDeactivatedAgentsTokenStopsWorkingAtOnce() {
        Tenants.Credentials tenant = Tenants.create("desk-off-" + UUID.randomUUID());
        Agent ann = agent(tenant, "Ann");
        given().auth().oauth2(ann.token()).get("/api/v1/conversations").then().statusCode(200);
        assertEquals(0, new dev.switchboard.support.Db(dataSource).count("SELECT count(*) FROM idempotency_keys "
                + "WHERE position(convert_to(?, 'UTF8') in response_body) > 0", ann.token()),
                "the token shown once is not kept in plaintext with the idempotent response");
        List<Map<String, Object>> listed = given().auth().oauth2(Tenants.ADMIN_TOKEN)
                .get("/api/v1/admin/tenants/" + tenant.tenantId() + "/agents").then().statusCode(200)
                .extract().jsonPath().getList("$");
        assertEquals(1, listed.size());
        assertFalse(listed.get(0).containsKey("token"));
        given().auth().oauth2(Tenants.ADMIN_TOKEN).delete("/api/v1/admin/tenants/" + tenant.tenantId() + "/agents/"
                + ann.id()).then().statusCode(204);
        given().auth().oauth2(ann.token()).get("/api/v1/conversations").then().statusCode(401);
        given().contentType(ContentType.JSON).auth().oauth2(Tenants.ADMIN_TOKEN)
                .header("Idempotency-Key", UUID.randomUUID().toString()).body(Map.of("name", "x"))
                .post("/api/v1/admin/tenants/" + tenant.tenantId() + "/agents").then().statusCode(400);
    }
}
