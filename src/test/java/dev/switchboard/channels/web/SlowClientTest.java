package dev.switchboard.channels.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.support.ChatClient;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A client that stops reading holds up no other session, and is closed as too slow without losing a reply. */
@QuarkusTest
class SlowClientTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int BACKLOG = 50_000;

    @TestHTTPResource("/")
    URI base;
    @Inject
    DataSource dataSource;
    @Inject
    MeterRegistry metrics;

    /** A socket whose reader reads nothing until told to: the server's frames pile up in front of it. */
    static final class StalledClient implements WebSocket.Listener {
        final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        static StalledClient connect(URI base, String key, String apiKey, long afterSeq) {
            StalledClient client = new StalledClient();
            String uri = base.toString().replaceFirst("^http", "ws") + "ws/v1/chat/" + key + "?afterSeq=" + afterSeq;
            client.socket = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + apiKey)
                    .buildAsync(URI.create(uri), client).join();
            return client;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            // no request(): nothing is read from the connection
        }

        void readEverything() {
            socket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode frame = MAPPER.readTree(partial.toString());
                    if (!"ready".equals(frame.path("type").asText())) {
                        frames.add(frame);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }

    @Test
    void aStalledResumeOfFiftyThousandRepliesHoldsUpNobodyAndTheClientLaterGetsEveryOneInOrder() throws Exception {
        Tenants.Credentials tenant = Tenants.create("slow-" + UUID.randomUUID());
        Db db = new Db(dataSource);
        given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString()).body("{\"id\":\"m1\",\"text\":\"hello\"}")
                .post("/api/v1/sessions/backlog/messages").then().statusCode(202);
        Eventually.within(WAIT, "answered", () -> db.count("SELECT count(*) FROM effects WHERE tenant_id = ?::uuid",
                tenant.tenantId()) == 2);
        long sessionId = db.count("SELECT id FROM sessions WHERE tenant_id = ?::uuid", tenant.tenantId());
        long first = db.count("SELECT effect_seq FROM sessions WHERE id = ?", sessionId) + 1;
        // a backlog far larger than the socket buffers between server and client (300 bytes a reply)
        db.update("INSERT INTO effects (tenant_id, channel, session_key, session_id, seq, reply_to, type, payload, "
                + "dedupe_key, status) SELECT ?::uuid, 'web', 'backlog', ?, s, 1, 'message', "
                + "jsonb_build_object('text', s::text || ' ' || repeat('x', 300)), 'backlog:' || s, 'awaiting_client' "
                + "FROM generate_series(?::bigint, ?::bigint) s", tenant.tenantId(), sessionId, first,
                first + BACKLOG - 1);
        db.update("UPDATE sessions SET effect_seq = effect_seq + ? WHERE id = ?", BACKLOG, sessionId);
        double closedBefore = metrics.counter("switchboard.web.sockets.closed.too.slow").count();

        StalledClient stalled = StalledClient.connect(base, "backlog", tenant.apiKey(), 0);
        try {
            // meanwhile, other sessions chat and are answered as usual
            int sessions = 16;
            ExecutorService pool = Executors.newFixedThreadPool(sessions);
            try {
                List<Future<?>> chats = new ArrayList<>();
                for (int s = 0; s < sessions; s++) {
                    String key = "busy-" + s;
                    chats.add(pool.submit(() -> {
                        try (ChatClient chat = ChatClient.connect(base, key, tenant.apiKey(), null)) {
                            for (int m = 0; m < 5; m++) {
                                chat.sendMessage("m" + m, "hello");
                                chat.collect(f -> ChatClient.isType(f, "message"), 1, Duration.ofSeconds(10));
                            }
                        }
                    }));
                }
                // and the stalled session itself is answered: its live reply is offered to the stalled socket
                // on the thread that committed it, which must not wait for that socket either
                given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .body("{\"id\":\"m2\",\"text\":\"still there?\"}")
                        .post("/api/v1/sessions/backlog/messages").then().statusCode(202);
                for (Future<?> chat : chats) {
                    chat.get(60, TimeUnit.SECONDS);
                }
                Eventually.within(WAIT, "the stalled session answered", () -> db.count("SELECT count(*) FROM effects "
                        + "WHERE session_id = ? AND seq > ?", sessionId, first + BACKLOG - 1) > 0);
            } finally {
                pool.shutdownNow();
            }

            Eventually.within(WAIT, "the stalled client is closed as too slow",
                    () -> metrics.counter("switchboard.web.sockets.closed.too.slow").count() > closedBefore);
            stalled.readEverything();
            assertEquals(ChatConnection.TOO_SLOW, stalled.closeCode.get(30, TimeUnit.SECONDS));
        } finally {
            stalled.socket.abort();
        }
        long last = db.count("SELECT effect_seq FROM sessions WHERE id = ?", sessionId);
        List<JsonNode> received = new ArrayList<>(stalled.frames);
        assertTrue(received.size() < BACKLOG, "the client fell behind: " + received.size());
        long expected = 1;
        for (JsonNode frame : received) {
            assertEquals(expected++, frame.path("seq").asLong(), "in order, nothing skipped");
        }

        // it resumes from the last reply it saw and gets the rest, once each, in order
        long resumeFrom = expected - 1;
        try (ChatClient chat = ChatClient.connect(base, "backlog", tenant.apiKey(), resumeFrom)) {
            long next = resumeFrom + 1;
            while (next <= last) {
                JsonNode frame = chat.next(WAIT);
                assertEquals(next++, frame.path("seq").asLong());
            }
            assertTrue(chat.drain(Duration.ofMillis(300)).isEmpty(), "nothing twice");
        }
    }
}
