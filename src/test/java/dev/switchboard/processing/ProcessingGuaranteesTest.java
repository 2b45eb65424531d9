package dev.switchboard.processing;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.switchboard.sessions.SessionState;
import dev.switchboard.sessions.SessionStore;
import dev.switchboard.sessions.StaleSessionException;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ProcessingGuaranteesTest {
    @Inject
    SessionScheduler scheduler;
    @Inject
    RecoverySweep sweep;
    @Inject
    SessionProcessor processor;
    @Inject
    SessionStore sessions;
    @Inject
    DataSource dataSource;

    Db db;
    Tenants.Credentials tenant;

    @BeforeEach
    void setUp() {
        db = new Db(dataSource);
        tenant = Tenants.create("proc-" + UUID.randomUUID());
    }

    private int send(String key, String id, String text) {
        return given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                .body("{\"id\":\"" + id + "\",\"text\":\"" + text + "\"}")
                .post("/api/v1/sessions/" + key + "/messages").then().statusCode(202).extract().path("seq");
    }

    private long count(String sql) {
        return db.count(sql, tenant.tenantId());
    }

    private long sessionId(String key) {
        return db.count("SELECT id FROM sessions WHERE tenant_id = ?::uuid AND external_key = ?", tenant.tenantId(),
                key);
    }

    @Test
    void messagesAcceptedWhileProcessingIsDownAreAllProcessedExactlyOnceAfterRestart() {
        scheduler.stop();
        try {
            for (int s = 0; s < 3; s++) {
                for (int m = 0; m < 5; m++) {
                    send("crash-" + s, "m" + m, "hello " + m);
                }
            }
            assertEquals(15, count("SELECT count(*) FROM events WHERE tenant_id = ?::uuid AND type = 'user_message'"),
                    "every accepted message is durable");
            assertEquals(0, count("SELECT count(*) FROM effects WHERE tenant_id = ?::uuid"),
                    "nothing processed while down");
        } finally {
            scheduler.start();
        }
        assertEquals(3, sweep.sweep(), "the startup sweep finds the three sessions that are behind");
        Eventually.within(Duration.ofSeconds(10), "all 15 messages answered",
                () -> count("SELECT count(*) FROM effects WHERE tenant_id = ?::uuid AND type = 'message'") == 15);
        assertEquals(0, count("SELECT count(*) FROM sessions WHERE tenant_id = ?::uuid "
                + "AND processed_seq <> last_inbound_seq"));
        assertEquals(15, count("SELECT count(DISTINCT reply_to || ':' || session_id) FROM effects "
                + "WHERE tenant_id = ?::uuid AND type = 'message'"), "one reply per message, none twice");
    }

    @Test
    void concurrentProcessorsOfOneSessionNeverCreateAnEffectTwice() throws Exception {
        scheduler.stop();
        try {
            for (int m = 0; m < 20; m++) {
                send("race", "m" + m, "hello " + m);
            }
        } finally {
            scheduler.start();
        }
        long id = sessionId("race");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(pool.submit(() -> processor.drain(id)));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(20, count("SELECT count(*) FROM effects WHERE tenant_id = ?::uuid AND type = 'message'"));
        assertEquals(20, count("SELECT count(*) FROM events WHERE tenant_id = ?::uuid AND type = 'assistant_message'"));
        assertEquals(20, db.count("SELECT version FROM sessions WHERE id = ?", id), "one state version per message");
    }

    @Test
    void aStaleStateWriteIsRejectedAndChangesNothing() {
        send("stale", "m1", "hello");
        long id = sessionId("stale");
        Eventually.within(Duration.ofSeconds(10), "processed",
                () -> db.count("SELECT processed_seq FROM sessions WHERE id = ?", id) == 1);
        SessionState loaded = sessions.load(id).orElseThrow();
        QuarkusTransaction.requiringNew().run(() -> sessions.commit(loaded, "agent_active", Map.of("winner", "first"),
                loaded.processedSeq(), 0, 0));
        assertThrows(StaleSessionException.class, () -> QuarkusTransaction.requiringNew().run(
                () -> sessions.commit(loaded, "error", Map.of("winner", "second"), loaded.processedSeq(), 0, 0)));
        SessionState now = sessions.load(id).orElseThrow();
        assertEquals("agent_active", now.state());
        assertEquals("first", now.data().get("winner"));
        assertEquals(loaded.version() + 1, now.version());
    }

    @Test
    void aCorruptedChecksumStopsTheSessionAndIsRecorded() {
        send("corrupt", "m1", "hello");
        long id = sessionId("corrupt");
        Eventually.within(Duration.ofSeconds(10), "processed",
                () -> db.count("SELECT processed_seq FROM sessions WHERE id = ?", id) == 1);
        db.update("UPDATE sessions SET data = '{\"turns\": 99}'::jsonb WHERE id = ?", id);

        send("corrupt", "m2", "this must not be answered from corrupt state");
        Eventually.within(Duration.ofSeconds(10), "session quarantined",
                () -> "corrupt".equals(db.text("SELECT status FROM sessions WHERE id = ?", id)));
        assertEquals(1, db.count("SELECT count(*) FROM events WHERE session_id = ? AND type = 'error' "
                + "AND payload->>'code' = 'checksum_mismatch'", id));
        assertEquals(1, db.count("SELECT count(*) FROM effects WHERE session_id = ? AND type = 'message'", id),
                "no reply computed from corrupt state");
        given().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("switchboard_sessions_checksum_mismatches_total"));
    }

    @Test
    void anAgentThatThrowsGivesAnErrorEventAndAPoliteFallbackAndTheSessionKeepsWorking() {
        send("agent-fail", "m1", "please #fail now");
        send("agent-fail", "m2", "hello");
        long id = sessionId("agent-fail");
        Eventually.within(Duration.ofSeconds(10), "both answered",
                () -> db.count("SELECT count(*) FROM effects WHERE session_id = ? AND type = 'message'", id) == 2);
        assertEquals(SessionProcessor.FALLBACK_TEXT, db.text("SELECT payload->>'text' FROM effects "
                + "WHERE session_id = ? AND type = 'message' ORDER BY seq LIMIT 1", id));
        assertEquals("Hello! How can I help you today?", db.text("SELECT payload->>'text' FROM effects "
                + "WHERE session_id = ? AND type = 'message' ORDER BY seq DESC LIMIT 1", id));
        assertEquals(1, db.count("SELECT count(*) FROM events WHERE session_id = ? AND type = 'error' "
                + "AND payload->>'code' = 'agent_failed'", id));
        assertEquals("active", db.text("SELECT status FROM sessions WHERE id = ?", id));
    }

    @Test
    void aRejectedTransitionIsRecordedAndLeavesTheStateAsItWas() {
        send("rejected", "m1", "hello");
        long id = sessionId("rejected");
        Eventually.within(Duration.ofSeconds(10), "processed",
                () -> db.count("SELECT processed_seq FROM sessions WHERE id = ?", id) == 1);
        long version = db.count("SELECT version FROM sessions WHERE id = ?", id);
        String data = db.text("SELECT data::text FROM sessions WHERE id = ?", id);
        send("rejected", "m2", "yes #reject");
        Eventually.within(Duration.ofSeconds(10), "answered",
                () -> db.count("SELECT count(*) FROM effects WHERE session_id = ? AND type = 'message'", id) == 2);
        assertEquals("event CONFIRMED rejected in state awaiting_input: no transition for it", db.text(
                "SELECT payload->>'message' FROM events WHERE session_id = ? AND type = 'error' "
                        + "AND payload->>'code' = 'transition_rejected'", id));
        assertEquals("awaiting_input", db.text("SELECT state FROM sessions WHERE id = ?", id));
        assertEquals(data, db.text("SELECT data::text FROM sessions WHERE id = ?", id), "data untouched");
        assertEquals(version + 1, db.count("SELECT version FROM sessions WHERE id = ?", id));
    }
}
