package dev.switchboard.outbox;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.switchboard.events.EventStore;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import dev.switchboard.tenants.TenantId;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dead letters through the admin API: listed, read with their errors, retried in order, discarded, each once. */
@QuarkusTest
class DeadLettersTest {
    private static final String API = "/api/v1/admin/dead-letters";

    @Inject
    EventStore events;
    @Inject
    ScriptedChannel channel;
    @Inject
    DataSource dataSource;

    Db db;
    Tenants.Credentials credentials;
    TenantId tenant;

    @BeforeEach
    void setUp() {
        db = new Db(dataSource);
        credentials = Tenants.create("dead-letters-" + UUID.randomUUID());
        tenant = new TenantId(UUID.fromString(credentials.tenantId()));
    }

    private static RequestSpecification admin() {
        return given().auth().oauth2(Tenants.ADMIN_TOKEN);
    }

    /** Writes {@code messages} to a poisoned session and waits until every effect of its replies is dead. */
    private long deadSession(String key, int messages) {
        SessionAddress address = new SessionAddress(tenant, ScriptedChannel.NAME, key);
        for (int i = 0; i < messages; i++) {
            events.appendUserMessage(address, "m" + i, "message " + i, null);
        }
        long sessionId = db.count("SELECT id FROM sessions WHERE tenant_id = ?::uuid AND external_key = ?",
                tenant.toString(), key);
        Eventually.within(Duration.ofSeconds(20), "every reply dead", () -> db.count(
                "SELECT count(*) FROM sessions WHERE id = ? AND processed_seq = last_inbound_seq", sessionId) == 1
                && db.count("SELECT count(*) FROM effects WHERE session_id = ? AND status <> 'dead'", sessionId) == 0
                && db.count("SELECT count(*) FROM effects WHERE session_id = ?", sessionId) > 0);
        return sessionId;
    }

    private long endedEvents(long sessionId, String action) {
        return db.count("SELECT count(*) FROM events WHERE session_id = ? AND type = 'dead_letter_ended' "
                + "AND payload ->> 'action' = ?", sessionId, action);
    }

    @Test
    void deadLettersAreListedPagedAndReadWithTheirErrors() {
        long sessionId = deadSession("poison-list", 2);
        long dead = db.count("SELECT count(*) FROM effects WHERE session_id = ?", sessionId);

        JsonPath all = admin().queryParam("tenant", tenant.toString()).get(API).then().statusCode(200)
                .body("items", hasSize((int) dead)).body("nextCursor", nullValue())
                .body("items[0].status", equalTo("dead")).body("items[0].channel", equalTo(ScriptedChannel.NAME))
                .body("items[0].sessionKey", equalTo("poison-list")).body("items[0].seq", equalTo(1))
                .body("items[0].lastError", containsString("scripted_refusal"))
                .body("items[0]", not(hasKey("payload")))
                .extract().jsonPath();
        List<Long> ids = all.getList("items.id", Long.class);
        assertEquals(ids.stream().sorted().toList(), ids, "oldest first");

        String next = admin().queryParam("tenant", tenant.toString()).queryParam("limit", 1).get(API).then()
                .statusCode(200).body("items", hasSize(1)).body("items[0].id", equalTo(ids.get(0).intValue()))
                .body("nextCursor", notNullValue()).extract().path("nextCursor");
        admin().queryParam("tenant", tenant.toString()).queryParam("limit", 1).queryParam("cursor", next).get(API)
                .then().statusCode(200).body("items[0].id", equalTo(ids.get(1).intValue()));
        admin().queryParam("tenant", tenant.toString()).queryParam("channel", "whatsapp").get(API).then()
                .statusCode(200).body("items", hasSize(0));

        admin().get(API + "/" + ids.get(0)).then().statusCode(200)
                .body("payload", notNullValue()).body("failures", hasSize(1))
                .body("failures[0].attempt", equalTo(1)).body("failures[0].at", notNullValue())
                .body("failures[0].error", containsString("scripted refusal"));
    }

    @Test
    void retriedDeadLettersAreDeliveredInTheirSessionsOrderOnceEach() {
        long sessionId = deadSession("poison-retry", 2);
        long dead = db.count("SELECT count(*) FROM effects WHERE session_id = ?", sessionId);
        channel.heal("poison-retry");

        admin().queryParam("tenant", tenant.toString()).post(API + "/retry").then().statusCode(200)
                .body("retried", equalTo((int) dead));
        Eventually.within(Duration.ofSeconds(30), "every retried letter sent", () -> db.count(
                "SELECT count(*) FROM effects WHERE session_id = ? AND status = 'sent'", sessionId) == dead);
        List<Long> seqs = LongStream.rangeClosed(1, dead).boxed().toList();
        assertEquals(seqs, channel.delivered("poison-retry"), "each once, in seq order");
        assertEquals(dead, endedEvents(sessionId, "retry"), "each retry is in the session's log");
        assertEquals(0, db.count("SELECT count(*) FROM effects WHERE session_id = ? AND type = 'message' "
                + "AND message_status = 'failed'", sessionId), "the messages are no longer failed");

        long first = db.count("SELECT id FROM effects WHERE session_id = ? AND seq = 1", sessionId);
        admin().post(API + "/" + first + "/retry").then().statusCode(200).body("status", equalTo("sent"))
                .body("retriedAt", notNullValue());
        admin().queryParam("tenant", tenant.toString()).post(API + "/retry").then().statusCode(200)
                .body("retried", equalTo(0));
        assertEquals(dead, endedEvents(sessionId, "retry"), "a repeated retry changes nothing");
        assertEquals(seqs, channel.delivered("poison-retry"), "and sends nothing again");
        admin().post(API + "/" + first + "/discard").then().statusCode(409)
                .contentType("application/problem+json").body("status", equalTo(409));
    }

    @Test
    void aDiscardedLetterIsNeverDeliveredAndCannotBeRetried() {
        long sessionId = deadSession("poison-discard", 1);
        long first = db.count("SELECT id FROM effects WHERE session_id = ? AND seq = 1", sessionId);
        admin().post(API + "/" + first + "/discard").then().statusCode(200).body("status", equalTo("discarded"));
        admin().post(API + "/" + first + "/discard").then().statusCode(200).body("status", equalTo("discarded"));
        assertEquals(1, endedEvents(sessionId, "discard"), "discarded once, whatever the repeats");
        admin().post(API + "/" + first + "/retry").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("discarded"));

        // the session's other letters, retried, reach the channel; the discarded one stays behind
        channel.heal("poison-discard");
        long others = db.count("SELECT count(*) FROM effects WHERE session_id = ? AND status = 'dead'", sessionId);
        admin().queryParam("tenant", tenant.toString()).post(API + "/retry").then().statusCode(200)
                .body("retried", equalTo((int) others));
        Eventually.within(Duration.ofSeconds(30), "the others sent", () -> db.count(
                "SELECT count(*) FROM effects WHERE session_id = ? AND status = 'sent'", sessionId) == others);
        assertFalse(channel.delivered("poison-discard").contains(1L), "the discarded letter was not delivered");
        admin().queryParam("tenant", tenant.toString()).get(API).then().statusCode(200).body("items", hasSize(0));
        admin().get(API + "/" + first).then().statusCode(200).body("status", equalTo("discarded"));
    }

    @Test
    void badRequestsAreProblemsAndOnlyTheOperatorMayAct() {
        admin().queryParam("tenant", "not-a-uuid").get(API).then().statusCode(400)
                .contentType("application/problem+json");
        admin().queryParam("limit", 0).get(API).then().statusCode(400).contentType("application/problem+json");
        admin().queryParam("cursor", "abc").get(API).then().statusCode(400).contentType("application/problem+json");
        admin().queryParam("channel", "<script>").get(API).then().statusCode(400)
                .contentType("application/problem+json");
        admin().get(API + "/abc").then().statusCode(404).contentType("application/problem+json");
        admin().post(API + "/999999999999/retry").then().statusCode(404).contentType("application/problem+json");

        long sessionId = deadSession("poison-auth", 1);
        long first = db.count("SELECT id FROM effects WHERE session_id = ? AND seq = 1", sessionId);
        given().post(API + "/" + first + "/retry").then().statusCode(401);
        given().auth().oauth2(credentials.apiKey()).post(API + "/" + first + "/discard").then().statusCode(401);
        given().auth().oauth2(credentials.apiKey()).get(API).then().statusCode(401);
        assertEquals("dead", db.text("SELECT status FROM effects WHERE id = ?", first));

        // an effect that never died is no dead letter
        SessionAddress fine = new SessionAddress(tenant, ScriptedChannel.NAME, "fine");
        events.appendUserMessage(fine, "m0", "hello", null);
        Eventually.within(Duration.ofSeconds(20), "delivered", () -> db.count("SELECT count(*) FROM effects f JOIN "
                + "sessions s ON s.id = f.session_id WHERE s.tenant_id = ?::uuid AND s.external_key = 'fine' "
                + "AND f.status = 'sent'", tenant.toString()) > 0);
        long sent = db.count("SELECT f.id FROM effects f JOIN sessions s ON s.id = f.session_id WHERE "
                + "s.tenant_id = ?::uuid AND s.external_key = 'fine' ORDER BY f.id LIMIT 1", tenant.toString());
        admin().get(API + "/" + sent).then().statusCode(404);
        admin().post(API + "/" + sent + "/retry").then().statusCode(404);
    }
}
