package dev.switchboard.channels.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.support.ChatClient;
import dev.switchboard.support.Db;
import dev.switchboard.support.Tenants;
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
import org.junit.jupiter.api.Test;

/** Per-session order and exactly-one-reply, under concurrency and across disconnects. */
@QuarkusTest
class OrderedDeliveryTest {
    @TestHTTPResource("/")
    URI base;

    @Inject
    DataSource dataSource;

    @Test
    void fiftySessionsSendingAHundredMessagesEachGetExactlyOneReplyPerMessageInOrder() throws Exception {
        Tenants.Credentials tenant = Tenants.create("load-" + UUID.randomUUID());
        int sessions = 50;
        int perSession = 100;
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                String key = "load-" + s;
                runs.add(pool.submit(() -> {
                    conversation(tenant, key, perSession);
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Db db = new Db(dataSource);
        assertEquals((long) sessions * perSession, db.count("SELECT count(*) FROM effects "
                + "WHERE tenant_id = ?::uuid AND type = 'message'", tenant.tenantId()));
        assertEquals(0, db.count("SELECT count(*) FROM sessions WHERE tenant_id = ?::uuid "
                + "AND processed_seq <> last_inbound_seq", tenant.tenantId()));
    }

    /** One client pipelines all its messages, then checks every reply against the accepted seqs. */
    private void conversation(Tenants.Credentials tenant, String key, int count) {
        try (ChatClient chat = ChatClient.connect(base, key, tenant.apiKey(), null)) {
            for (int i = 0; i < count; i++) {
                chat.sendMessage(key + "-" + i, "hello " + i);
            }
            List<Long> acceptedSeqs = new ArrayList<>();
            List<JsonNode> replies = new ArrayList<>();
            long lastEffectSeq = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (replies.size() < count || acceptedSeqs.size() < count) {
                JsonNode frame = chat.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                switch (frame.path("type").asText()) {
                    case "accepted" -> {
                        assertEquals(key + "-" + acceptedSeqs.size(), frame.path("id").asText(),
                                "accepted frames come in send order");
                        acceptedSeqs.add(frame.path("seq").asLong());
                    }
                    case "message", "state" -> {
                        long seq = frame.path("seq").asLong();
                        assertEquals(lastEffectSeq + 1, seq, key + ": effect seqs have no gap and no duplicate");
                        lastEffectSeq = seq;
                        if ("message".equals(frame.path("type").asText())) {
                            replies.add(frame);
                        }
                    }
                    default -> throw new AssertionError("unexpected frame " + frame);
                }
            }
            for (int i = 0; i < count; i++) {
                assertEquals(acceptedSeqs.get(i), replies.get(i).path("replyTo").asLong(),
                        key + ": reply " + i + " answers message " + i);
                assertEquals("Hello! How can I help you today?", replies.get(i).path("text").asText());
            }
            assertTrue(chat.drain(Duration.ofMillis(300)).stream().noneMatch(f -> ChatClient.isType(f, "message")),
                    "no reply beyond one per message");
        }
    }

    @Test
    void aClientThatDisconnectsAndResumesGetsExactlyWhatItMissedThenLiveReplies() {
        Tenants.Credentials tenant = Tenants.create("resume-" + UUID.randomUUID());
        String key = "resume-1";
        long lastSeen;
        long seenReplyTo;
        long liveSeq;
        try (ChatClient chat = ChatClient.connect(base, key, tenant.apiKey(), null)) {
            for (int i = 0; i < 3; i++) {
                chat.sendMessage("a" + i, "hello, first " + i);
            }
            List<JsonNode> seen = chat.collect(f -> ChatClient.isType(f, "message"), 3, Duration.ofSeconds(10));
            lastSeen = seen.get(2).path("seq").asLong();
            seenReplyTo = seen.get(2).path("replyTo").asLong();
        }
        for (int i = 0; i < 4; i++) {
            given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .body("{\"id\":\"b" + i + "\",\"text\":\"hello while away " + i + "\"}")
                    .post("/api/v1/sessions/" + key + "/messages").then().statusCode(202);
        }
        Db db = new Db(dataSource);
        dev.switchboard.support.Eventually.within(Duration.ofSeconds(10), "messages sent while away are answered",
                () -> db.count("SELECT count(*) FROM effects WHERE tenant_id = ?::uuid AND type = 'message'",
                        tenant.tenantId()) == 7);

        try (ChatClient chat = ChatClient.connect(base, key, tenant.apiKey(), null)) {
            chat.send("{\"type\":\"resume\",\"afterSeq\":" + lastSeen + "}");
            List<JsonNode> missed = chat.collect(f -> ChatClient.isType(f, "message"), 4, Duration.ofSeconds(10));
            List<Long> answered = missed.stream().map(f -> f.path("replyTo").asLong()).toList();
            assertEquals(answered.stream().sorted().distinct().toList(), answered, "each missed reply once, in order");
            assertTrue(answered.get(0) > seenReplyTo, "nothing from before the resume point");
            assertEquals(lastSeen + 1, missed.get(0).path("seq").asLong());
            assertTrue(chat.drain(Duration.ofMillis(300)).isEmpty(), "nothing replayed twice");

            chat.sendMessage("c0", "help, live again");
            JsonNode live = chat.collect(f -> ChatClient.isType(f, "message"), 1, Duration.ofSeconds(10)).get(0);
            assertTrue(live.path("text").asText().startsWith("I can book"), live.toString());
            assertEquals(missed.get(3).path("seq").asLong() + 1, live.path("seq").asLong());
            liveSeq = live.path("seq").asLong();
        }

        try (ChatClient chat = ChatClient.connect(base, key, tenant.apiKey(), lastSeen)) {
            List<JsonNode> replay = chat.collect(f -> ChatClient.isType(f, "message"), 5, Duration.ofSeconds(10));
            assertEquals(liveSeq, replay.get(4).path("seq").asLong(),
                    "?afterSeq on the upgrade behaves like a resume frame");
        }
        assertEquals(0, db.count("SELECT count(*) FROM effects WHERE tenant_id = ?::uuid AND status = 'dead'",
                tenant.tenantId()), "web replies nobody was connected for wait; they are not dead-lettered");
    }
}
