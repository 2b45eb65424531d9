package dev.switchboard.analytics;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.switchboard.channels.whatsapp.GraphApiFake;
import dev.switchboard.channels.whatsapp.WhatsAppFixture;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import dev.switchboard.support.TestClock;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Analytics scenarios with hand-computed numbers. The log's clock is placed by hand: each step
 * happens at the time the test sets, so "answered after 90 s" is exactly 90 s.
 */
@QuarkusTest
@QuarkusTestResource(GraphApiFake.class)
class AnalyticsScenariosTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    private static final String DAY = "from=2026-06-01&to=2026-06-01";

    @Inject
    DataSource dataSource;

    @Inject
    CountRoller roller;

    record Agent(String id, String token) {
    }

    @AfterEach
    void realTime() {
        TestClock.reset();
    }

    @Test
    void aBotOnlyConversationIsContainedAndHasNoFirstResponse() throws Exception {
        Tenants.Credentials tenant = Tenants.create("analytics-bot");
        at(0);
        say(tenant, "s1", "hello");
        at(30);
        say(tenant, "s1", "bye");
        Eventually.within(WAIT, "the bot finished the conversation", () -> "resolved".equals(status(tenant, "s1")));

        JsonNode summary = summary(tenant.apiKey(), DAY);
        assertEquals(1, summary.at("/conversations/created").asLong());
        assertEquals(1, summary.at("/conversations/resolved").asLong());
        assertEquals(0, summary.at("/conversations/handedOff").asLong());
        assertEquals(0, summary.at("/conversations/openAtEnd").asLong());
        assertEquals(1.0, summary.path("botContainmentRate").asDouble());
        assertEquals(0.0, summary.path("handoffRate").asDouble());
        assertEquals(0, summary.at("/firstResponseTime/count").asLong(), "no handoff, no first response");
        assertTrue(summary.at("/firstResponseTime/p50").isNull());
        assertEquals(30.0, summary.at("/resolutionTime/total/mean").asDouble());
        assertEquals(30.0, summary.at("/resolutionTime/bot/p50").asDouble());
        assertEquals(0.0, summary.at("/resolutionTime/human/p90").asDouble());
        assertEquals(2, summary.at("/messages/fromCustomers").asLong());
        assertEquals(2, summary.at("/messages/fromBot").asLong());
        assertEquals(0, summary.at("/messages/fromAgents").asLong());
        assertEquals(2, summary.at("/delivery/web/pending").asLong(), "no socket took the web replies yet");
    }

    @Test
    void aHandoffAnsweredAfter90SecondsCountsOnlyTheWaitForAPerson() throws Exception {
        Tenants.Credentials tenant = Tenants.create("analytics-handoff");
        Agent ann = agent(tenant, "Ann");
        at(0);
        say(tenant, "s1", "hello");
        at(60);
        say(tenant, "s1", "I want to speak to a human");
        String conversation = awaitConversation(tenant, "s1", "pending");
        at(100);
        act(ann, conversation, "assign", Map.of("agentId", ann.id()), 200);
        at(150);
        reply(tenant, ann, conversation, "Hi, Ann here");
        at(160);
        say(tenant, "s1", "my order is late");
        at(220);
        reply(tenant, ann, conversation, "It ships today");
        at(300);
        act(ann, conversation, "resolve", Map.of(), 202);
        Eventually.within(WAIT, "resolved", () -> "resolved".equals(status(tenant, "s1")));

        JsonNode summary = summary(ann.token(), DAY);
        assertEquals(1, summary.at("/firstResponseTime/count").asLong());
        assertEquals(90.0, summary.at("/firstResponseTime/mean").asDouble(), "from the handoff, not from the start");
        assertEquals(90.0, summary.at("/firstResponseTime/p50").asDouble());
        assertEquals(90.0, summary.at("/firstResponseTime/p90").asDouble());
        assertEquals(List.of(0L, 1L, 0L, 0L, 0L, 0L), distribution(summary));
        assertEquals(1, summary.at("/agentReplyTime/count").asLong());
        assertEquals(60.0, summary.at("/agentReplyTime/mean").asDouble());
        assertEquals(300.0, summary.at("/resolutionTime/total/mean").asDouble());
        assertEquals(60.0, summary.at("/resolutionTime/bot/mean").asDouble());
        assertEquals(240.0, summary.at("/resolutionTime/human/mean").asDouble());
        assertEquals(0.0, summary.path("botContainmentRate").asDouble());
        assertEquals(1.0, summary.path("handoffRate").asDouble());
        assertEquals(1, summary.at("/conversations/handedOff").asLong());
        assertEquals(3, summary.at("/messages/fromCustomers").asLong());
        assertEquals(2, summary.at("/messages/fromAgents").asLong());

        JsonNode row = agentRow(agents(tenant.apiKey(), DAY), ann.id());
        assertEquals(1, row.path("conversationsAssigned").asLong());
        assertEquals(1, row.path("conversationsResolved").asLong());
        assertEquals(2, row.path("messagesSent").asLong());
        assertEquals(90.0, row.at("/firstResponseTime/mean").asDouble());
        assertEquals(60.0, row.at("/agentReplyTime/p50").asDouble());
    }

    @Test
    void aHandoffNobodyAnswersStaysOpenWithoutAFirstResponse() throws Exception {
        Tenants.Credentials tenant = Tenants.create("analytics-unanswered");
        at(0);
        say(tenant, "s1", "human please");
        awaitConversation(tenant, "s1", "pending");
        at(30);
        say(tenant, "s1", "hello? anyone?");
        awaitProcessed(tenant, "s1");

        JsonNode summary = summary(tenant.apiKey(), DAY);
        assertEquals(1, summary.at("/conversations/created").asLong());
        assertEquals(1, summary.at("/conversations/handedOff").asLong());
        assertEquals(1, summary.at("/conversations/openAtEnd").asLong());
        assertEquals(0, summary.at("/conversations/resolved").asLong());
        assertTrue(summary.path("botContainmentRate").isNull(), "nothing resolved: no rate");
        assertEquals(1.0, summary.path("handoffRate").asDouble());
        assertEquals(0, summary.at("/firstResponseTime/count").asLong());
        assertEquals(0, summary.at("/agentReplyTime/count").asLong(), "a wait that nobody answered has no reply time");
    }

    @Test
    void aReopenedConversationIsOneConversationWhoseResolutionSpansItAll() throws Exception {
        Tenants.Credentials tenant = Tenants.create("analytics-reopened");
        Agent ann = agent(tenant, "Ann");
        Agent bob = agent(tenant, "Bob");
        at(0);
        say(tenant, "s1", "human please");
        String conversation = awaitConversation(tenant, "s1", "pending");
        at(60);
        reply(tenant, ann, conversation, "Ann here");
        at(120);
        act(ann, conversation, "release", Map.of(), 202);
        Eventually.within(WAIT, "back with the bot", () -> "bot".equals(status(tenant, "s1")));
        at(180);
        say(tenant, "s1", "a human again please");
        assertEquals(conversation, awaitConversation(tenant, "s1", "pending"), "the same conversation, reopened");
        at(300);
        reply(tenant, bob, conversation, "Bob here");
        at(400);
        act(bob, conversation, "resolve", Map.of(), 202);
        Eventually.within(WAIT, "resolved", () -> "resolved".equals(status(tenant, "s1")));

        JsonNode summary = summary(tenant.apiKey(), DAY);
        assertEquals(1, summary.at("/conversations/created").asLong());
        assertEquals(1, summary.at("/conversations/handedOff").asLong());
        assertEquals(400.0, summary.at("/resolutionTime/total/mean").asDouble());
        assertEquals(60.0, summary.at("/resolutionTime/bot/mean").asDouble(), "120 s to 180 s with the bot");
        assertEquals(340.0, summary.at("/resolutionTime/human/mean").asDouble());
        assertEquals(60.0, summary.at("/firstResponseTime/mean").asDouble(), "the first reply answers the first wait");
        JsonNode agents = agents(tenant.apiKey(), DAY);
        assertEquals(0, agentRow(agents, ann.id()).path("conversationsResolved").asLong());
        assertEquals(1, agentRow(agents, bob.id()).path("conversationsResolved").asLong());
        assertEquals(1, agentRow(agents, ann.id()).path("conversationsAssigned").asLong());
        assertEquals(1, agentRow(agents, bob.id()).path("conversationsAssigned").asLong());
    }

    @Test
    void twoAgentsWithATransferEachGetTheirOwnNumbers() throws Exception {
        Tenants.Credentials tenant = Tenants.create("analytics-transfer");
        Agent ann = agent(tenant, "Ann");
        Agent bob = agent(tenant, "Bob");
        at(0);
        say(tenant, "s1", "human please");
        String conversation = awaitConversation(tenant, "s1", "pending");
        at(10);
        act(ann, conversation, "assign", Map.of("agentId", ann.id()), 200);
        at(40);
        reply(tenant, ann, conversation, "Ann here");
        at(50);
        say(tenant, "s1", "can I change my address?");
        awaitProcessed(tenant, "s1");
        at(60);
        act(ann, conversation, "assign", Map.of("agentId", bob.id()), 200);
        at(80);
        reply(tenant, bob, conversation, "Bob here, done");
        at(100);
        act(bob, conversation, "resolve", Map.of(), 202);
        Eventually.within(WAIT, "resolved", () -> "resolved".equals(status(tenant, "s1")));

        JsonNode agents = agents(tenant.apiKey(), DAY);
        JsonNode a = agentRow(agents, ann.id());
        JsonNode b = agentRow(agents, bob.id());
        assertEquals(1, a.path("conversationsAssigned").asLong());
        assertEquals(0, a.path("conversationsResolved").asLong());
        assertEquals(40.0, a.at("/firstResponseTime/mean").asDouble());
        assertEquals(0, a.at("/agentReplyTime/count").asLong());
        assertEquals(1, a.path("messagesSent").asLong());
        assertEquals(1, b.path("conversationsAssigned").asLong());
        assertEquals(1, b.path("conversationsResolved").asLong());
        assertEquals(0, b.at("/firstResponseTime/count").asLong());
        assertEquals(30.0, b.at("/agentReplyTime/mean").asDouble(), "the customer's question waited 30 s for Bob");
        assertEquals(1, b.path("messagesSent").asLong());
    }

    @Test
    void daysEndAtMidnightOfTheReportsTimeZone() throws Exception {
        Tenants.Credentials tenant = Tenants.create("analytics-zone");
        TestClock.at(Instant.parse("2026-06-02T03:30:00Z")); // 23:30 on June 1st in New York
        say(tenant, "late", "hello");
        TestClock.at(Instant.parse("2026-06-02T04:30:00Z")); // 00:30 on June 2nd in New York
        say(tenant, "early", "hello");
        awaitProcessed(tenant, "late");
        awaitProcessed(tenant, "early");

        JsonNode newYork = series(tenant.apiKey(), "conversations_created", "day",
                "from=2026-06-01&to=2026-06-02&tz=America/New_York");
        assertEquals(2, newYork.path("points").size());
        assertEquals("2026-06-01T00:00-04:00", newYork.at("/points/0/start").asText());
        assertEquals(1, newYork.at("/points/0/count").asLong());
        assertEquals(1, newYork.at("/points/1/count").asLong());
        JsonNode utc = series(tenant.apiKey(), "conversations_created", "day", "from=2026-06-01&to=2026-06-02");
        assertEquals(0, utc.at("/points/0/count").asLong());
        assertEquals(2, utc.at("/points/1/count").asLong());
        assertEquals(1, summary(tenant.apiKey(), "from=2026-06-01&to=2026-06-01&tz=America/New_York")
                .at("/conversations/created").asLong());
        JsonNode messages = series(tenant.apiKey(), "messages_from_customers", "hour",
                "from=2026-06-02T03:00:00Z&to=2026-06-02T05:00:00Z&tz=America/New_York");
        assertEquals(List.of(1L, 1L), List.of(messages.at("/points/0/count").asLong(),
                messages.at("/points/1/count").asLong()));
    }

    @Test
    void aTenantNeverSeesAnothersNumbersAndBadRangesAreRefused() throws Exception {
        Tenants.Credentials mine = Tenants.create("analytics-mine");
        Tenants.Credentials theirs = Tenants.create("analytics-theirs");
        Agent theirAgent = agent(theirs, "Eve");
        at(0);
        say(mine, "s1", "human please");
        awaitConversation(mine, "s1", "pending");

        assertEquals(1, summary(mine.apiKey(), DAY).at("/conversations/created").asLong());
        for (String credential : List.of(theirs.apiKey(), theirAgent.token())) {
            JsonNode summary = summary(credential, DAY);
            assertEquals(0, summary.at("/conversations/created").asLong());
            assertEquals(0, summary.at("/messages/fromCustomers").asLong());
            assertEquals(0, series(credential, "handoffs", "day", DAY).at("/points/0/count").asLong());
        }
        assertEquals(1, agents(theirs.apiKey(), DAY).path("items").size(), "their agent only");

        for (String bad : List.of("channel=web", "from=2026-06-01", "from=2026-06-02&to=2026-06-01",
                "from=yesterday&to=2026-06-01", DAY + "&tz=Mars/Olympus", DAY + "&channel=fax",
                "from=2020-01-01&to=2026-01-01")) {
            given().auth().oauth2(mine.apiKey()).get("/api/v1/analytics/summary?" + bad).then().statusCode(400)
                    .contentType("application/problem+json");
        }
        given().auth().oauth2(mine.apiKey()).get("/api/v1/analytics/timeseries?metric=nonsense&" + DAY).then()
                .statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(mine.apiKey()).get("/api/v1/analytics/timeseries?metric=handoffs&interval=week&" + DAY)
                .then().statusCode(400).contentType("application/problem+json");
        given().get("/api/v1/analytics/summary?" + DAY).then().statusCode(401);
    }

    @Test
    void theRebuildYieldsTheNumbersOfTheLivePathAndRepairsLostOnes() throws Exception {
        Tenants.Credentials tenant = Tenants.create("analytics-rebuild");
        Agent ann = agent(tenant, "Ann");
        at(0);
        say(tenant, "s1", "hello");
        at(20);
        say(tenant, "s2", "human please");
        String conversation = awaitConversation(tenant, "s2", "pending");
        at(45);
        say(tenant, "s2", "still there?");
        awaitProcessed(tenant, "s2");
        at(70);
        reply(tenant, ann, conversation, "Ann here");
        at(80);
        given().contentType(ContentType.JSON).auth().oauth2(ann.token())
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("id", "n1", "text", "seems fine"))
                .post("/api/v1/conversations/" + conversation + "/notes").then().statusCode(201);
        at(90);
        say(tenant, "s1", "bye");
        at(130);
        act(ann, conversation, "resolve", Map.of(), 202);
        Eventually.within(WAIT, "both resolved", () -> "resolved".equals(status(tenant, "s1"))
                && "resolved".equals(status(tenant, "s2")));
        String live = reports(tenant);
        JsonNode summary = summary(tenant.apiKey(), DAY);
        assertEquals(1, summary.at("/messages/notes").asLong());
        assertEquals(50.0, summary.at("/firstResponseTime/mean").asDouble());
        assertEquals(25.0, summary.at("/agentReplyTime/mean").asDouble());

        rebuild(tenant);
        assertEquals(live, reports(tenant), "the rebuild measures what the live path measured");

        Db db = new Db(dataSource);
        db.update("DELETE FROM report_conversations WHERE tenant_id = ?::uuid", tenant.tenantId());
        db.update("DELETE FROM report_replies WHERE tenant_id = ?::uuid", tenant.tenantId());
        db.update("INSERT INTO report_count_deltas (tenant_id, metric, bucket, channel, dim, n) "
                + "VALUES (?::uuid, 'messages_in', report_bucket(?::timestamptz), 'web', '', 5)", tenant.tenantId(),
                T0.toString());
        assertNotEquals(live, reports(tenant));
        rebuild(tenant);
        assertEquals(live, reports(tenant), "the rebuild repairs rows and counts");
        rebuild(tenant);
        assertEquals(live, reports(tenant), "a second rebuild changes nothing");
    }

    @Test
    void aWhatsAppReEngagementFailureIsCountedWithItsCode() {
        WhatsAppFixture wa = WhatsAppFixture.create("analytics-wa");
        String waId = "15557771234";
        GraphApiFake.server().stubFor(wa.sends().atPriority(1).inScenario("analytics-" + wa.phoneNumberId)
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("open")
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"message\":\"(#131047) Re-engagement message\",\"type\":\"OAuthException\","
                                + "\"code\":131047,\"error_data\":{\"messaging_product\":\"whatsapp\","
                                + "\"details\":\"Re-engagement message\"}}}")));
        wa.deliver(wa.body(null, WhatsAppFixture.textMessage(waId, WhatsAppFixture.newWamid(), "hello"), null))
                .statusCode(200);
        Db db = new Db(dataSource);
        String failed = "SELECT count(*) FROM effects WHERE tenant_id = ?::uuid AND type = 'message' AND message_status = ?";
        Eventually.within(WAIT, "the first answer failed", () -> db.count(failed, wa.tenant.tenantId(), "failed") == 1);
        wa.deliver(wa.body(null, WhatsAppFixture.textMessage(waId, WhatsAppFixture.newWamid(), "help"), null))
                .statusCode(200);
        Eventually.within(WAIT, "the next one was sent", () -> db.count(failed, wa.tenant.tenantId(), "sent") == 1);
        String wamid = db.text("SELECT external_id FROM effects WHERE tenant_id = ?::uuid AND message_status = 'sent'",
                wa.tenant.tenantId());
        wa.deliver(wa.body(null, null, WhatsAppFixture.status(wamid, "read", waId))).statusCode(200);
        Eventually.within(WAIT, "read", () -> db.count(failed, wa.tenant.tenantId(), "read") == 1);

        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        JsonNode delivery = summary(wa.tenant.apiKey(), "from=" + today + "&to=" + today).at("/delivery/whatsapp");
        assertEquals(1, delivery.path("failed").asLong(), delivery.toString());
        assertEquals(1, delivery.at("/failureReasons/131047").asLong(), delivery.toString());
        assertEquals(1, delivery.path("read").asLong(), "counted once, under its latest status: " + delivery);
        assertEquals(0, delivery.path("sent").asLong(), delivery.toString());
        assertEquals(0, delivery.path("pending").asLong(), delivery.toString());
    }

    @Test
    void reportsComeAsCsvWhenAskedFor() {
        roller.roll();
        Tenants.Credentials tenant = Tenants.create("analytics-csv");
        Agent agent = agent(tenant, "=HYPERLINK(\"http://evil\")");
        String summary = given().auth().oauth2(tenant.apiKey()).accept("text/csv")
                .get("/api/v1/analytics/summary?" + DAY).then().statusCode(200).contentType("text/csv")
                .extract().asString();
        assertTrue(summary.startsWith("field,value\r\n"), summary);
        assertTrue(summary.contains("conversations.created,0\r\n"), summary);
        assertTrue(summary.contains("firstResponseTime.distribution.1-5m,0\r\n"), summary);
        String agents = given().auth().oauth2(tenant.apiKey()).accept("text/csv")
                .get("/api/v1/analytics/agents?" + DAY).then().statusCode(200).extract().asString();
        assertTrue(agents.startsWith("agentId,name,active,"), agents);
        assertTrue(agents.contains(agent.id() + ",\"'=HYPERLINK(\"\"http://evil\"\")\""), "no formula: " + agents);
        String series = given().auth().oauth2(tenant.apiKey()).accept("text/csv")
                .get("/api/v1/analytics/timeseries?metric=first_response_time&interval=day&" + DAY).then()
                .statusCode(200).extract().asString();
        assertEquals("start,count,mean,p50,p90\r\n2026-06-01T00:00Z,0,,,\r\n", series);
    }

    // ---- steps

    private static void at(long seconds) {
        TestClock.at(T0.plusSeconds(seconds));
    }

    private static void say(Tenants.Credentials tenant, String session, String text) {
        given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("id", UUID.randomUUID().toString(), "text", text))
                .post("/api/v1/sessions/" + session + "/messages").then().statusCode(202);
    }

    private void reply(Tenants.Credentials tenant, Agent agent, String conversation, String text) {
        act(agent, conversation, "messages", Map.of("id", UUID.randomUUID().toString(), "text", text), 202);
        awaitProcessedOf(tenant, conversation);
    }

    private static void act(Agent agent, String conversation, String action, Map<String, Object> body, int status) {
        given().contentType(ContentType.JSON).auth().oauth2(agent.token())
                .header("Idempotency-Key", UUID.randomUUID().toString()).body(body)
                .post("/api/v1/conversations/" + conversation + "/" + action).then().statusCode(status);
    }

    private static Agent agent(Tenants.Credentials tenant, String name) {
        JsonNode created = read(given().contentType(ContentType.JSON).auth().oauth2(Tenants.ADMIN_TOKEN)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("name", name, "email", UUID.randomUUID() + "@example.com"))
                .post("/api/v1/admin/tenants/" + tenant.tenantId() + "/agents")
                .then().statusCode(201).extract().asString());
        return new Agent(created.path("id").asText(), created.path("token").asText());
    }

    private String status(Tenants.Credentials tenant, String session) {
        return new Db(dataSource).text("SELECT c.status FROM conversations c JOIN sessions s ON s.id = c.session_id "
                + "WHERE s.tenant_id = ?::uuid AND s.external_key = ? ORDER BY c.first_seq DESC LIMIT 1",
                tenant.tenantId(), session);
    }

    private String awaitConversation(Tenants.Credentials tenant, String session, String status) {
        Eventually.within(WAIT, session + " is " + status, () -> status.equals(status(tenant, session)));
        awaitProcessed(tenant, session);
        return new Db(dataSource).text("SELECT c.id::text FROM conversations c JOIN sessions s ON s.id = c.session_id "
                + "WHERE s.tenant_id = ?::uuid AND s.external_key = ? ORDER BY c.first_seq DESC LIMIT 1",
                tenant.tenantId(), session);
    }

    private void awaitProcessed(Tenants.Credentials tenant, String session) {
        Eventually.within(WAIT, session + " processed", () -> new Db(dataSource).count("SELECT count(*) FROM sessions "
                + "WHERE tenant_id = ?::uuid AND external_key = ? AND processed_seq = last_inbound_seq",
                tenant.tenantId(), session) == 1);
    }

    private void awaitProcessedOf(Tenants.Credentials tenant, String conversation) {
        Eventually.within(WAIT, "the conversation's session processed", () -> new Db(dataSource).count(
                "SELECT count(*) FROM sessions s JOIN conversations c ON c.session_id = s.id WHERE c.id = ?::uuid "
                        + "AND s.processed_seq = s.last_inbound_seq", conversation) == 1);
    }

    private static void rebuild(Tenants.Credentials tenant) {
        given().auth().oauth2(Tenants.ADMIN_TOKEN).post("/api/v1/admin/tenants/" + tenant.tenantId()
                + "/analytics/rebuild").then().statusCode(200);
    }

    /** Every report of the day, as one text to compare. */
    private String reports(Tenants.Credentials tenant) {
        StringBuilder all = new StringBuilder(summary(tenant.apiKey(), DAY).toString());
        all.append(agents(tenant.apiKey(), DAY));
        for (String metric : List.of("conversations_created", "handoffs", "messages_from_customers", "notes",
                "first_response_time", "agent_reply_time", "resolution_time")) {
            all.append(series(tenant.apiKey(), metric, "hour", DAY));
        }
        return all.toString();
    }

    /** Reports include what the roller folded in: it runs now, not a second later. */
    private JsonNode summary(String credential, String query) {
        roller.roll();
        return read(given().auth().oauth2(credential).get("/api/v1/analytics/summary?" + query).then().statusCode(200)
                .contentType(ContentType.JSON).extract().asString());
    }

    private JsonNode agents(String credential, String query) {
        roller.roll();
        return read(given().auth().oauth2(credential).get("/api/v1/analytics/agents?" + query).then().statusCode(200)
                .extract().asString());
    }

    private JsonNode series(String credential, String metric, String interval, String query) {
        roller.roll();
        return read(given().auth().oauth2(credential).get("/api/v1/analytics/timeseries?metric=" + metric
                + "&interval=" + interval + "&" + query).then().statusCode(200).extract().asString());
    }

    private static JsonNode agentRow(JsonNode agents, String id) {
        for (JsonNode row : agents.path("items")) {
            if (row.path("agentId").asText().equals(id)) {
                return row;
            }
        }
        throw new AssertionError("no row for agent " + id + " in " + agents);
    }

    private static List<Long> distribution(JsonNode summary) {
        return java.util.stream.StreamSupport.stream(summary.at("/firstResponseTime/distribution").spliterator(), false)
                .map(b -> b.path("count").asLong()).toList();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(json, e);
        }
    }
}
