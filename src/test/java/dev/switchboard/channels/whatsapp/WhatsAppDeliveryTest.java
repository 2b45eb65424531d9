package dev.switchboard.channels.whatsapp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.switchboard.channels.whatsapp.WhatsAppFixture.newWamid;
import static dev.switchboard.channels.whatsapp.WhatsAppFixture.status;
import static dev.switchboard.channels.whatsapp.WhatsAppFixture.textMessage;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.switchboard.support.CapturedLog;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** What Meta's Graph API does to our sends (throttles, refusals, outages, fast receipts) and what we make of it. */
@QuarkusTest
@QuarkusTestResource(GraphApiFake.class)
class WhatsAppDeliveryTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    DataSource dataSource;

    private Db db() {
        return new Db(dataSource);
    }

    private static String graphError(int code, String title) {
        return "{\"error\":{\"message\":\"(#" + code + ") " + title + "\",\"type\":\"OAuthException\",\"code\":" + code
                + ",\"error_data\":{\"messaging_product\":\"whatsapp\",\"details\":\"" + title + "\"},"
                + "\"fbtrace_id\":\"Az8or2yhqkZfEZ-_4Qn_Bam\"}}";
    }

    private long replies(WhatsAppFixture wa, String condition) {
        return db().count("SELECT count(*) FROM effects WHERE tenant_id = ?::uuid AND type = 'message' AND "
                + condition, wa.tenant.tenantId());
    }

    private String one(WhatsAppFixture wa, String column) {
        return db().text("SELECT " + column + " FROM effects WHERE tenant_id = ?::uuid AND type = 'message' "
                + "ORDER BY id LIMIT 1", wa.tenant.tenantId());
    }

    private void say(WhatsAppFixture wa, String waId, String text) {
        wa.deliver(wa.body(null, textMessage(waId, newWamid(), text), null)).statusCode(200);
    }

    @Test
    void aReceiptThatOvertakesTheSendsOwnAnswerIsKeptAndApplied() {
        WhatsAppFixture wa = WhatsAppFixture.create("early");
        String waId = "15557770001";
        String wamid = "wamid.EARLY" + UUID.randomUUID().toString().replace("-", "");
        StubMapping slow = GraphApiFake.server().stubFor(wa.sends().atPriority(1).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "application/json").withFixedDelay(1500)
                .withBody("{\"messaging_product\":\"whatsapp\",\"messages\":[{\"id\":\"" + wamid + "\"}]}")));
        try {
            say(wa, waId, "hello");
            Eventually.within(WAIT, "the send reached Meta", () -> wa.textsTo(waId).size() == 1);
            // Meta reports delivery and reading while our request still waits for its answer
            wa.deliver(wa.body(null, null, status(wamid, "delivered", waId) + "," + status(wamid, "read", waId)))
                    .statusCode(200);
            assertEquals(2, db().count("SELECT count(*) FROM early_receipts WHERE external_id = ?", wamid),
                    "kept, not dropped, while the wamid is unknown");
            Eventually.within(WAIT, "both receipts applied once the wamid is known",
                    () -> replies(wa, "message_status = 'read' AND external_id = '" + wamid + "'") == 1);
        } finally {
            GraphApiFake.server().removeStub(slow);
        }
        assertEquals(0, db().count("SELECT count(*) FROM early_receipts WHERE external_id = ?", wamid));
        assertEquals(List.of("sent", "delivered", "read"), statusEvents(wa, waId));
        assertTrue(one(wa, "delivered_at") != null && one(wa, "read_at") != null);
    }

    private List<String> statusEvents(WhatsAppFixture wa, String waId) {
        List<String> statuses = new java.util.ArrayList<>();
        try (var c = dataSource.getConnection(); var ps = c.prepareStatement("SELECT e.payload->>'status' FROM events e "
                + "JOIN sessions s ON s.id = e.session_id WHERE s.tenant_id = ?::uuid AND s.external_key = ? "
                + "AND e.type = 'message_status' ORDER BY e.seq")) {
            ps.setString(1, wa.tenant.tenantId());
            ps.setString(2, wa.sessionKey(waId));
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    statuses.add(rs.getString(1));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        return statuses;
    }

    @Test
    void aThrottledSendWaitsAndGoesOutWithoutUsingUpItsAttempts() {
        WhatsAppFixture wa = WhatsAppFixture.create("throttle");
        String waId = "15557770002";
        GraphApiFake.server().stubFor(wa.sends().atPriority(1).inScenario("throttle-" + wa.phoneNumberId)
                .whenScenarioStateIs(STARTED).willSetStateTo("recovered")
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody(graphError(130429, "Rate limit hit"))));
        say(wa, waId, "hello");
        Eventually.within(WAIT, "sent after the throttle", () -> replies(wa, "status = 'sent'") == 1);
        assertEquals(2, wa.textsTo(waId).size(), "one refused, one accepted");
        assertEquals("1", one(wa, "attempts"), "the throttled try did not count");
        assertEquals("sent", one(wa, "message_status"));
    }

    @Test
    void aClosedCustomerWindowFailsTheMessageVisiblyAndLaterRepliesStillGo() {
        WhatsAppFixture wa = WhatsAppFixture.create("window");
        String waId = "15557770003";
        GraphApiFake.server().stubFor(wa.sends().atPriority(1).inScenario("window-" + wa.phoneNumberId)
                .whenScenarioStateIs(STARTED).willSetStateTo("open")
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody(graphError(131047, "Re-engagement message"))));
        say(wa, waId, "hello");
        Eventually.within(WAIT, "the first reply failed for good", () -> replies(wa,
                "status = 'undeliverable' AND message_status = 'failed' AND failure_code = '131047'") == 1);
        say(wa, waId, "help");
        Eventually.within(WAIT, "the next reply is sent", () -> replies(wa, "status = 'sent'") == 1);
        assertEquals(2, wa.textsTo(waId).size(), "the refused one was not retried");
        assertTrue(statusEvents(wa, waId).contains("failed"), "the failure is in the session's log");
        assertEquals(1, db().count("SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id "
                + "WHERE s.tenant_id = ?::uuid AND e.type = 'message_status' AND e.payload->>'code' = '131047' "
                + "AND e.payload->>'reason' LIKE 'more than 24 hours%'", wa.tenant.tenantId()));
        assertEquals(0, replies(wa, "status = 'dead'"));
    }

    @Test
    void anyOtherRefusalIsADeadLetterWithItsError() {
        WhatsAppFixture wa = WhatsAppFixture.create("refused");
        String waId = "15557770004";
        GraphApiFake.server().stubFor(wa.sends().atPriority(1).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody(graphError(190, "Invalid OAuth access token"))));
        say(wa, waId, "hello");
        Eventually.within(WAIT, "dead-lettered at once", () -> replies(wa, "status = 'dead'") == 1);
        assertEquals("failed", one(wa, "message_status"));
        assertEquals("190", one(wa, "failure_code"));
        assertEquals(1, wa.textsTo(waId).size(), "a refusal is not retried");
    }

    @Test
    void whatTheGraphApiSaysAboutAFailedSendStaysOutOfTheLog() {
        String marker = "zebra" + UUID.randomUUID().toString().substring(0, 8) + "banana";
        WhatsAppFixture wa = WhatsAppFixture.create("log-safety");
        String waId = "15557770011";
        // Meta's errors may quote what was sent: a server error (retried), then a refusal (a dead letter)
        String scenario = "logs-" + wa.phoneNumberId;
        GraphApiFake.server().stubFor(wa.sends().atPriority(1).inScenario(scenario).whenScenarioStateIs(STARTED)
                .willSetStateTo("refusing").willReturn(aResponse().withStatus(500)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"code\":1,\"message\":\"could not deliver " + marker + "\"}}")));
        GraphApiFake.server().stubFor(wa.sends().atPriority(1).inScenario(scenario).whenScenarioStateIs("refusing")
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody(graphError(100, "Invalid parameter near " + marker))));
        try (CapturedLog log = CapturedLog.start()) {
            say(wa, waId, "hello " + marker);
            Eventually.within(WAIT, "dead-lettered on the refusal", () -> replies(wa, "status = 'dead'") == 1);
            assertFalse(log.text().contains(marker), "Meta's words or the customer's text leaked:\n" + log.text());
            assertTrue(log.text().contains("dead-lettered") || log.text().contains("refused by its channel"),
                    "the failure is still in the log, by code:\n" + log.text());
        }
        assertEquals("100", one(wa, "failure_code"), "Meta's code is kept for the operator");
    }

    @Test
    void aServerErrorIsRetriedWithBackoff() {
        WhatsAppFixture wa = WhatsAppFixture.create("retry");
        String waId = "15557770005";
        GraphApiFake.server().stubFor(wa.sends().atPriority(1).inScenario("retry-" + wa.phoneNumberId)
                .whenScenarioStateIs(STARTED).willSetStateTo("up")
                .willReturn(aResponse().withStatus(500).withBody("{\"error\":{\"code\":1,\"message\":\"oops\"}}")));
        say(wa, waId, "hello");
        Eventually.within(WAIT, "sent on the retry", () -> replies(wa, "status = 'sent'") == 1);
        assertEquals("2", one(wa, "attempts"));
        assertEquals(2, wa.textsTo(waId).size());
    }

    @Test
    void anOpenBreakerKeepsMessagesQueuedAndTheyGoOutInOrderWhenItCloses() {
        WhatsAppFixture wa = WhatsAppFixture.create("breaker");
        StubMapping outage = GraphApiFake.server().stubFor(post(urlEqualTo(wa.messagesPath())).atPriority(1)
                .willReturn(aResponse().withStatus(503)));
        List<String> customers = List.of("15557770011", "15557770012", "15557770013", "15557770014",
                "15557770015");
        try {
            for (String waId : customers) {
                say(wa, waId, "hello");
            }
            Eventually.within(WAIT, "the breaker opened and holds messages back", () -> db().count(
                    "SELECT count(*) FROM effects WHERE tenant_id = ?::uuid AND last_error LIKE 'circuit breaker%'",
                    wa.tenant.tenantId()) > 0);
            given().get("/q/health/ready").then()
                    .body("checks.find { it.name == 'whatsapp-delivery' }.status", equalTo("UP"))
                    .body("checks.find { it.name == 'whatsapp-delivery' }.data.degraded", equalTo(true));
            for (String waId : customers) {
                say(wa, waId, "help");
            }
            // the test profile gives each message 3 attempts: 11 failures in all are more than five
            // messages could take if the breaker's half-open probes were charged to them
            Eventually.within(Duration.ofSeconds(30), "the outage outlasted several half-open probes", () ->
                    GraphApiFake.server().getAllServeEvents().stream().filter(e -> e.getRequest().getUrl()
                            .equals(wa.messagesPath()) && e.getResponse().getStatus() == 503).count() >= 11);
        } finally {
            GraphApiFake.server().removeStub(outage);
        }
        Eventually.within(Duration.ofSeconds(30), "every reply went out after the outage",
                () -> replies(wa, "status = 'sent'") == 2L * customers.size());
        given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'whatsapp-delivery' }.data.openBreakers", equalTo(0));
        assertEquals(0, db().count("SELECT count(*) FROM effects WHERE tenant_id = ?::uuid AND status = 'dead'",
                wa.tenant.tenantId()), "an outage drops nothing");
        for (String waId : customers) {
            List<String> sent = wa.textsTo(waId).stream()
                    .filter(r -> r.getBodyAsString().contains("\"text\""))
                    .map(r -> r.getBodyAsString()).toList();
            assertTrue(sent.size() >= 2);
        }
        assertEquals(2L * customers.size(), db().count("SELECT count(*) FROM effects e WHERE e.tenant_id = ?::uuid "
                + "AND e.type = 'message' AND NOT EXISTS (SELECT 1 FROM effects p WHERE p.session_id = e.session_id "
                + "AND p.type = 'message' AND p.seq < e.seq AND p.sent_at > e.sent_at)", wa.tenant.tenantId()),
                "within each session, replies were sent in seq order");
    }

    @Test
    void aSlowGraphApiNeverHoldsBackWebChatReplies() {
        WhatsAppFixture wa = WhatsAppFixture.create("slow-graph");
        StubMapping slow = GraphApiFake.server().stubFor(post(urlEqualTo(wa.messagesPath())).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withFixedDelay(1500).withBody("{\"messages\":[{\"id\":\"wamid.slow\"}]}")));
        try {
            for (int i = 0; i < 8; i++) {
                say(wa, "1555777100" + i, "hello"); // every delivery lane of the channel busy for seconds
            }
            Eventually.within(WAIT, "the WhatsApp lanes are waiting on Meta", () -> GraphApiFake.server().findAll(
                    com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo(wa.messagesPath())))
                    .size() >= 4);
            try (var chat = dev.switchboard.support.ChatClient.connect(base, "web-beside-slow-graph",
                    wa.tenant.apiKey(), null)) {
                chat.sendMessage("m1", "hello");
                chat.collect(f -> dev.switchboard.support.ChatClient.isType(f, "message"), 1, WAIT);
            }
            assertTrue(replies(wa, "channel = 'whatsapp' AND status <> 'sent'") > 0,
                    "the web reply arrived while WhatsApp replies were still waiting");
        } finally {
            GraphApiFake.server().removeStub(slow);
        }
    }

    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URI base;

    @Test
    void readReceiptsFollowTheChannelsSetting() {
        WhatsAppFixture quiet = WhatsAppFixture.create("no-read", Map.of("markRead", false));
        String waId = "15557770006";
        say(quiet, waId, "hello");
        Eventually.within(WAIT, "answered", () -> quiet.textsTo(waId).size() == 1);
        Eventually.within(WAIT, "the read receipt effect is settled",
                () -> db().count("SELECT count(*) FROM effects WHERE tenant_id = ?::uuid AND type = 'read_receipt' "
                        + "AND status = 'sent'", quiet.tenant.tenantId()) == 1);
        assertEquals(0, quiet.readReceipts().size());
    }
}
