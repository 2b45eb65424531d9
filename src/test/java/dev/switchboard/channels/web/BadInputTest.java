package dev.switchboard.channels.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.support.ChatClient;
import dev.switchboard.support.Db;
import dev.switchboard.support.Tenants;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Ordinary mistakes get a clear error, store nothing, and never hurt another session. */
@QuarkusTest
class BadInputTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** JSON escapes PostgreSQL cannot store: U+0000, and an unpaired surrogate. */
    private static final String NUL_TEXT = "hello \\u0000 there";
    private static final String LONE_SURROGATE = "broken \\ud800 pair";

    @TestHTTPResource("/")
    URI base;
    @Inject
    DataSource dataSource;
    @Inject
    MeterRegistry metrics;

    Db db;
    Tenants.Credentials tenant;

    @BeforeEach
    void setUp() {
        db = new Db(dataSource);
        tenant = Tenants.create("bad-" + UUID.randomUUID());
    }

    private long storedEvents() {
        // every event of the tenant: a refused message must leave no row behind
        return db.count("SELECT count(*) FROM events WHERE tenant_id = ?::uuid", tenant.tenantId());
    }

    private io.restassured.response.Response post(String key, String rawJsonBody) {
        return given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString()).body(rawJsonBody)
                .post("/api/v1/sessions/" + key + "/messages");
    }

    @Test
    void restRefusesTextsAndIdsThatCannotBeStoredWithA400AndStoresNothing() {
        for (String body : new String[] {"{\"id\":\"a\",\"text\":\"" + NUL_TEXT + "\"}",
                "{\"id\":\"b\",\"text\":\"" + LONE_SURROGATE + "\"}", "{\"id\":\"c\\u0000\",\"text\":\"hello\"}"}) {
            post("rest-bad", body).then().statusCode(400).contentType("application/problem+json")
                    .body("detail", org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.containsString("cannot"),
                            org.hamcrest.Matchers.containsString("not valid")));
        }
        assertEquals(0, storedEvents(), "nothing stored, not even the session");
        assertEquals(0, db.count("SELECT count(*) FROM sessions WHERE tenant_id = ?::uuid", tenant.tenantId()));
        post("rest-bad", "{\"id\":\"d\",\"text\":\"hello\"}").then().statusCode(202);
    }

    @Test
    void aSocketGetsAnInvalidTextFrameForUnstorableTextAndKeepsWorking() {
        try (ChatClient chat = ChatClient.connect(base, "ws-bad", tenant.apiKey(), null)) {
            chat.send("{\"type\":\"message\",\"id\":\"m1\",\"text\":\"" + NUL_TEXT + "\"}");
            JsonNode error = chat.next(WAIT);
            assertEquals("error", error.path("type").asText());
            assertEquals("invalid_text", error.path("code").asText());
            assertEquals("m1", error.path("id").asText());
            chat.send("{\"type\":\"message\",\"id\":\"m2\",\"text\":\"" + LONE_SURROGATE + "\"}");
            assertEquals("invalid_text", chat.next(WAIT).path("code").asText());
            chat.send("{\"type\":\"message\",\"id\":\"m3\\u0000\",\"text\":\"hello\"}");
            assertEquals("invalid_id", chat.next(WAIT).path("code").asText());
            assertEquals(0, storedEvents());

            chat.sendMessage("m4", "hello");
            JsonNode accepted = chat.next(WAIT);
            assertEquals("accepted", accepted.path("type").asText());
            assertEquals(1, accepted.path("seq").asLong(), "the refused frames took no seq");
            chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT);
        }
    }

    @Test
    void badMessagesMixedIntoLoadNeverFailOrDelayAGroupCommitOfGoodOnes() throws Exception {
        double fallbacksBefore = metrics.counter("switchboard.group.commit.fallbacks", "writer", "event-appender")
                .count();
        int sessions = 16;
        int perSession = 10;
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        try {
            List<Future<int[]>> results = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                String key = "mix-" + s;
                results.add(pool.submit(() -> {
                    int accepted = 0;
                    int refused = 0;
                    try (ChatClient chat = ChatClient.connect(base, key, tenant.apiKey(), null)) {
                        for (int m = 0; m < perSession; m++) {
                            chat.sendMessage("g" + m, "hello " + m);
                            chat.send("{\"type\":\"message\",\"id\":\"b" + m + "\",\"text\":\"" + NUL_TEXT + "\"}");
                        }
                        int replies = 0;
                        long deadline = System.nanoTime() + WAIT.toNanos();
                        while (accepted + refused < 2 * perSession || replies < perSession) {
                            JsonNode f = chat.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                            if (ChatClient.isType(f, "accepted")) {
                                accepted++;
                            } else if ("invalid_text".equals(f.path("code").asText())) {
                                refused++;
                            } else if (ChatClient.isType(f, "message")) {
                                replies++;
                            }
                        }
                    }
                    return new int[] {accepted, refused};
                }));
            }
            for (Future<int[]> r : results) {
                int[] counts = r.get();
                assertEquals(perSession, counts[0], "every good message accepted");
                assertEquals(perSession, counts[1], "every bad one refused");
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(sessions * perSession, db.count("SELECT count(*) FROM events "
                + "WHERE tenant_id = ?::uuid AND type = 'user_message'", tenant.tenantId()));
        assertEquals(fallbacksBefore, metrics.counter("switchboard.group.commit.fallbacks", "writer", "event-appender")
                .count(), "no batch was rolled back and re-run because of a bad row");
    }

    @Test
    void aResumeBeyondTheLastReplySeqIsAnErrorAndLaterRepliesStillArrive() {
        try (ChatClient chat = ChatClient.connect(base, "resume-high", tenant.apiKey(), null)) {
            chat.send("{\"type\":\"resume\",\"afterSeq\":999}");
            JsonNode error = chat.next(WAIT);
            assertEquals("invalid_seq", error.path("code").asText());
            chat.sendMessage("m1", "hello");
            List<JsonNode> replies = chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT);
            assertEquals(1, replies.get(0).path("seq").asLong());
        }
        try (ChatClient chat = ChatClient.connect(base, "resume-high", tenant.apiKey(), 999L)) {
            assertEquals("invalid_seq", chat.next(WAIT).path("code").asText());
            chat.sendMessage("m2", "help");
            JsonNode reply = chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT).get(0);
            assertTrue(reply.path("seq").asLong() > 1, "live from the last reply, nothing dropped: " + reply);
        }
    }

    @Test
    void anAfterSeqThatIsNotANonNegativeIntegerIsAnErrorAndTheSocketDeliversLive() {
        for (String bad : new String[] {"-1", "abc", "", "1.5", "+1", "99999999999999999999", "0&afterSeq=0"}) {
            String key = "resume-malformed-" + UUID.randomUUID();
            try (ChatClient chat = ChatClient.connectTo(base, "ws/v1/chat/" + key + "?afterSeq=" + bad, tenant.apiKey())) {
                List<JsonNode> first = chat.collect(f -> ChatClient.isType(f, "error") || ChatClient.isType(f, "ready"),
                        2, WAIT);
                assertEquals("invalid_afterseq", first.get(0).path("code").asText(), "afterSeq=" + bad);
                assertEquals("ready", first.get(1).path("type").asText());
                chat.sendMessage("m1", "hello");
                assertEquals(1, chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT).get(0).path("seq").asLong());
            }
        }
    }

    /** The status that refused a WebSocket upgrade (0 when it was let through). */
    private int upgradeStatus(String pathAndQuery, String bearer) {
        java.net.http.WebSocket.Builder builder = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder();
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer);
        }
        try {
            builder.buildAsync(URI.create(base.toString().replaceFirst("^http", "ws") + pathAndQuery),
                    new java.net.http.WebSocket.Listener() {
                    }).join().abort();
            return 0;
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    @Test
    void aSemicolonInASessionKeyIsRefusedRatherThanCuttingTheKeyShort() {
        // JAX-RS reads ";b" as a matrix parameter: the message went to session "semi"
        given().urlEncodingEnabled(false).contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString()).body("{\"id\":\"m1\",\"text\":\"hello\"}")
                .post("/api/v1/sessions/semi;colon/messages").then().statusCode(400)
                .contentType("application/problem+json").body("detail", org.hamcrest.Matchers.containsString("%3B"));
        given().auth().oauth2(tenant.apiKey()).get("/api/v1/sessions/semi").then().statusCode(404);
        assertEquals(400, upgradeStatus("ws/v1/chat/semi;colon", tenant.apiKey()));
        post("semi;colon", "{\"id\":\"m1\",\"text\":\"hello\"}").then().statusCode(202); // sent as semi%3Bcolon
        given().auth().oauth2(tenant.apiKey()).get("/api/v1/sessions/semi;colon").then().statusCode(200)
                .body("key", org.hamcrest.Matchers.equalTo("semi;colon"));
    }

    @Test
    void anApiKeyIsNeverTakenFromTheUrl() {
        // a URL ends up in proxies' logs and browsers' history: only a client token may travel in one
        assertEquals(401, upgradeStatus("ws/v1/chat/key-in-url?access_token=" + tenant.apiKey(), null));
        assertEquals(0, upgradeStatus("ws/v1/chat/key-in-header", tenant.apiKey()));
    }

    @Test
    void anUnknownFrameTypeIsAnErrorNotAPong() {
        try (ChatClient chat = ChatClient.connect(base, "unknown-type", tenant.apiKey(), null)) {
            chat.send("{\"type\":\"subscribe\"}");
            JsonNode frame = chat.next(WAIT);
            assertEquals("error", frame.path("type").asText());
            assertEquals("unknown_type", frame.path("code").asText());
            chat.send("{\"type\":\"ping\"}");
            assertEquals("pong", chat.next(WAIT).path("type").asText());
        }
    }
}
