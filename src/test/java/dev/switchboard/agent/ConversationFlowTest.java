package dev.switchboard.agent;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.processing.InactivityExpiry;
import dev.switchboard.processing.RecoverySweep;
import dev.switchboard.processing.SessionScheduler;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The built-in conversation engine, end to end through the REST API and a real PostgreSQL. */
@QuarkusTest
class ConversationFlowTest {
    @Inject
    DataSource dataSource;
    @Inject
    SessionScheduler scheduler;
    @Inject
    RecoverySweep sweep;
    @Inject
    InactivityExpiry expiry;

    Db db;
    Tenants.Credentials tenant;

    @BeforeEach
    void setUp() {
        db = new Db(dataSource);
        tenant = Tenants.create("flow-" + UUID.randomUUID());
    }

    private RequestSpecification api() {
        return given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString());
    }

    private void send(String key, String text) {
        api().body(Map.of("id", UUID.randomUUID().toString(), "text", text))
                .post("/api/v1/sessions/" + key + "/messages").then().statusCode(202);
    }

    private List<String> replies(String key) {
        return api().get("/api/v1/sessions/" + key + "/effects?limit=1000").then().statusCode(200).extract()
                .jsonPath().getList("items.findAll { it.type == 'message' }.text");
    }

    private List<String> awaitReplies(String key, int count) {
        Eventually.within(Duration.ofSeconds(10), count + " replies on " + key, () -> replies(key).size() >= count);
        return replies(key);
    }

    private void awaitProcessed(String key) {
        Eventually.within(Duration.ofSeconds(10), key + " processed", () -> db.count("SELECT count(*) FROM sessions "
                + "WHERE tenant_id = ?::uuid AND external_key = ? AND processed_seq = last_inbound_seq",
                tenant.tenantId(), key) == 1);
    }

    private JsonPath session(String key) {
        return api().get("/api/v1/sessions/" + key).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void theBookingFlowCollectsSlotsAcrossMessagesAsksForWhatIsMissingConfirmsAndCompletes() {
        send("book-1", "Hi, I'd like to book an appointment");
        assertTrue(awaitReplies("book-1", 1).get(0).startsWith("Which service would you like?"));
        send("book-1", "a haircut please");
        assertEquals("Which day would suit you?", awaitReplies("book-1", 2).get(1));
        send("book-1", "tomorrow");
        assertEquals("What time would you like?", awaitReplies("book-1", 3).get(2));
        send("book-1", "10am");
        assertEquals("Shall I book a haircut on tomorrow at 10am? (yes/no)", awaitReplies("book-1", 4).get(3));
        assertEquals("awaiting_confirmation", session("book-1").getString("state"));
        send("book-1", "yes");
        assertEquals("Booked: a haircut on tomorrow at 10am. See you then!", awaitReplies("book-1", 5).get(4));
        JsonPath done = session("book-1");
        assertEquals("completed", done.getString("state"));
        assertEquals("haircut", done.getString("data.lastBooking.service"));
        assertTrue(done.get("data.slots") == null, "a completed booking clears the goal");
    }

    @Test
    void slotsSurviveARestartAndMessagesSentTogether() {
        scheduler.stop();
        try {
            send("book-2", "book a massage");
            send("book-2", "on friday");
        } finally {
            scheduler.start();
        }
        sweep.sweep();
        awaitReplies("book-2", 2);
        scheduler.stop();
        try {
            send("book-2", "at 3pm");
        } finally {
            scheduler.start();
        }
        sweep.sweep();
        List<String> replies = awaitReplies("book-2", 3);
        assertEquals("Shall I book a massage on friday at 3pm? (yes/no)", replies.get(2));
        send("book-2", "no");
        assertTrue(awaitReplies("book-2", 4).get(3).startsWith("No problem"));
        send("book-2", "make it saturday");
        assertEquals("Shall I book a massage on saturday at 3pm? (yes/no)", awaitReplies("book-2", 5).get(4));
    }

    @Test
    void threeMisunderstandingsInARowAreAnsweredTheFourthHandsOverAndThenTheBotIsSilent() {
        for (int i = 0; i < 4; i++) {
            send("lost", "qwerty " + i);
        }
        List<String> replies = awaitReplies("lost", 4);
        assertEquals(List.of(ConversationAgent.NOT_UNDERSTOOD, ConversationAgent.NOT_UNDERSTOOD,
                ConversationAgent.NOT_UNDERSTOOD, ConversationAgent.ESCALATED), replies);
        assertEquals("handoff", session("lost").getString("state"));
        send("lost", "hello? anyone?");
        awaitProcessed("lost");
        assertEquals(4, replies("lost").size(), "a human owns the conversation: the bot stays silent");
        assertEquals(1, db.count("SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id "
                + "WHERE s.tenant_id = ?::uuid AND s.external_key = 'lost' AND e.type = 'state_transition' "
                + "AND e.payload->>'to' = 'handoff' AND e.payload->>'reason' LIKE 'limit of 3%'", tenant.tenantId()));

        api().post("/api/v1/sessions/lost/release").then().statusCode(202);
        assertEquals(ConversationAgent.RELEASED, awaitReplies("lost", 5).get(4));
        assertEquals("awaiting_input", session("lost").getString("state"));
        send("lost", "hello");
        assertEquals(ConversationAgent.GREETING, awaitReplies("lost", 6).get(5));
        api().post("/api/v1/sessions/nobody/release").then().statusCode(404);
        // now with the bot again: a second release has nothing to end, and appends nothing
        awaitProcessed("lost");
        long events = db.count("SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id "
                + "WHERE s.tenant_id = ?::uuid AND s.external_key = 'lost'", tenant.tenantId());
        api().post("/api/v1/sessions/lost/release").then().statusCode(409).contentType("application/problem+json");
        assertEquals(events, db.count("SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id "
                + "WHERE s.tenant_id = ?::uuid AND s.external_key = 'lost'", tenant.tenantId()));
    }

    @Test
    void anIdleSessionExpiresAndTheNextMessageStartsAFreshConversationWhileTheHistoryStays() {
        send("idle", "book a haircut");
        assertTrue(awaitReplies("idle", 1).get(0).startsWith("Which day"));
        awaitProcessed("idle");
        db.update("UPDATE sessions SET last_activity_at = now() - interval '25 hours' WHERE tenant_id = ?::uuid "
                + "AND external_key = 'idle'", tenant.tenantId());
        assertTrue(expiry.expireInactive() >= 1);
        JsonPath expired = session("idle");
        assertEquals("expired", expired.getString("state"));
        assertTrue(expired.getMap("data").isEmpty());
        long expiredAt = expired.getLong("lastSeq");
        api().get("/api/v1/sessions/idle/state?atSeq=" + expiredAt).then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("expired"));

        send("idle", "tomorrow at 10am");
        assertEquals(ConversationAgent.NOT_UNDERSTOOD, awaitReplies("idle", 2).get(1),
                "the old booking goal is gone: a fresh conversation");
        assertEquals(2, api().get("/api/v1/sessions/idle/events?limit=1000").then().extract().jsonPath()
                .getList("items.findAll { it.type == 'user_message' }").size(), "the history stays");
    }

    @Test
    void everyTransitionIsRecordedWithItsTriggerAndReason() {
        send("trail", "hello");
        awaitReplies("trail", 1);
        List<Map<String, Object>> transitions = api().get("/api/v1/sessions/trail/events").then().extract()
                .jsonPath().getList("items.findAll { it.type == 'state_transition' }.payload");
        assertEquals(List.of("idle", "awaiting_input", "processing_intent"),
                transitions.stream().map(t -> t.get("from")).toList());
        assertEquals(List.of("awaiting_input", "processing_intent", "awaiting_input"),
                transitions.stream().map(t -> t.get("to")).toList());
        transitions.forEach(t -> {
            assertEquals(1, t.get("trigger"));
            assertTrue(t.get("reason") != null && t.get("at") != null);
        });
    }

    @Test
    void replayingTheLogRebuildsTheStateAtAnySeqExactly() {
        send("replay", "book a manicure");
        awaitReplies("replay", 1);
        long afterFirst = session("replay").getLong("lastSeq");
        JsonPath first = session("replay");
        send("replay", "monday at 9am");
        send("replay", "yes");
        awaitReplies("replay", 3);
        awaitProcessed("replay");
        JsonPath live = session("replay");
        JsonPath rebuilt = api().get("/api/v1/sessions/replay/state").then().statusCode(200).extract().jsonPath();
        assertEquals(live.getString("state"), rebuilt.getString("state"));
        assertEquals((Object) live.getMap("data"), rebuilt.getMap("data"));
        assertEquals(live.getLong("version"), rebuilt.getLong("version"));
        JsonPath then = api().get("/api/v1/sessions/replay/state?atSeq=" + afterFirst).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(first.getString("state"), then.getString("state"));
        assertEquals((Object) first.getMap("data"), then.getMap("data"));
        api().get("/api/v1/sessions/replay/state?atSeq=0").then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("idle"));
        api().get("/api/v1/sessions/replay/state?atSeq=x").then().statusCode(400);
    }

    @Test
    void aTenantCanReplaceItsIntentsAndAnInvalidDefinitionIsRefusedWithEveryProblem() {
        String path = "/api/v1/admin/tenants/" + tenant.tenantId() + "/agent-definition";
        given().auth().oauth2(Tenants.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body("{\"intents\":[{\"name\":\"Pizza!\"},{\"name\":\"x\",\"patterns\":[\"(\"]}]}")
                .put(path).then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("'name' must match"))
                .body("detail", containsString("does not compile"));
        given().auth().oauth2(Tenants.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body("{\"intents\":[{\"name\":\"opening_hours\",\"keywords\":[\"open\",\"hours\"],"
                        + "\"reply\":\"We are open 9 to 5.\"}]}")
                .put(path).then().statusCode(200);
        given().auth().oauth2(Tenants.ADMIN_TOKEN).get(path).then().statusCode(200)
                .body("intents[0].name", org.hamcrest.Matchers.equalTo("opening_hours"));
        send("hours", "when are you open?");
        assertEquals("We are open 9 to 5.", awaitReplies("hours", 1).get(0));
        send("hours", "hello");
        assertEquals(ConversationAgent.NOT_UNDERSTOOD, awaitReplies("hours", 2).get(1),
                "this tenant's definition has no greeting");
    }
}
