package dev.switchboard.channels.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.support.ChatClient;
import dev.switchboard.support.Db;
import dev.switchboard.support.Tenants;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ChatSocketTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TestHTTPResource("/")
    URI base;

    @Inject
    DataSource dataSource;

    Db db;
    Tenants.Credentials tenant;

    @BeforeEach
    void setUp() {
        db = new Db(dataSource);
        tenant = Tenants.create("chat-" + UUID.randomUUID());
    }

    private ChatClient connect(String key) {
        return ChatClient.connect(base, key, tenant.apiKey(), null);
    }

    private long userMessages(String key) {
        return db.count("SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id "
                + "WHERE s.tenant_id = ?::uuid AND s.external_key = ? AND e.type = 'user_message'",
                tenant.tenantId(), key);
    }

    @Test
    void aMessageIsAcceptedWithItsSeqAndAnsweredWithAReplyThatNamesIt() {
        try (ChatClient chat = connect("s-hello")) {
            chat.sendMessage("m1", "hello");
            JsonNode accepted = chat.next(WAIT);
            assertEquals("accepted", accepted.path("type").asText());
            assertEquals("m1", accepted.path("id").asText());
            assertEquals(1, accepted.path("seq").asLong());
            JsonNode reply = chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT).get(0);
            assertEquals(1, reply.path("replyTo").asLong());
            assertTrue(reply.path("seq").asLong() >= 1);
            assertEquals("Hello! How can I help you today?", reply.path("text").asText());
        }
    }

    @Test
    void acceptedComesOnlyAfterTheEventIsCommitted() {
        try (ChatClient chat = connect("s-durable")) {
            chat.sendMessage("m1", "is this stored?");
            JsonNode accepted = chat.collect(f -> ChatClient.isType(f, "accepted"), 1, WAIT).get(0);
            assertEquals(1, db.count("SELECT count(*) FROM events WHERE seq = ? AND client_msg_id = 'm1' "
                    + "AND tenant_id = ?::uuid", accepted.path("seq").asLong(), tenant.tenantId()));
        }
    }

    @Test
    void aRepeatedClientMessageIdGetsTheOriginalSeqAndNoSecondEvent() {
        try (ChatClient chat = connect("s-dup")) {
            chat.sendMessage("same", "hi");
            long first = chat.collect(f -> ChatClient.isType(f, "accepted"), 1, WAIT).get(0).path("seq").asLong();
            chat.sendMessage("same", "hi");
            long second = chat.collect(f -> ChatClient.isType(f, "accepted"), 1, WAIT).get(0).path("seq").asLong();
            assertEquals(first, second);
            assertEquals(1, db.count("SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id "
                    + "WHERE s.tenant_id = ?::uuid AND s.external_key = 's-dup' AND e.type = 'user_message'",
                    tenant.tenantId()));
            List<JsonNode> extra = chat.drain(Duration.ofMillis(500)).stream()
                    .filter(f -> ChatClient.isType(f, "message")).toList();
            assertTrue(extra.size() <= 1, "one reply at most beyond the first: " + extra);
        }
    }

    @Test
    void everySocketOfASessionReceivesTheReplies() {
        try (ChatClient first = connect("s-multi"); ChatClient second = connect("s-multi")) {
            first.sendMessage("m1", "hello");
            JsonNode a = first.collect(f -> ChatClient.isType(f, "message"), 1, WAIT).get(0);
            JsonNode b = second.collect(f -> ChatClient.isType(f, "message"), 1, WAIT).get(0);
            assertEquals(a, b);
        }
    }

    @Test
    void theUpgradeIsRefusedWithoutAValidKey() {
        assertEquals(401, refusedStatus(null));
        assertEquals(401, refusedStatus("sb_not_a_key"));
        assertEquals(0, db.count("SELECT count(*) FROM sessions WHERE external_key = 's-auth'"));
    }

    private int refusedStatus(String apiKey) {
        CompletionException refused = assertThrows(CompletionException.class,
                () -> ChatClient.connect(base, "s-auth", apiKey, null));
        return ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode();
    }

    @Test
    void badFramesGetAnErrorFrameStoreNothingAndLeaveTheConnectionUsable() {
        String longText = "x".repeat(16 * 1024 + 1);
        String hugeFrame = "{\"type\":\"ping\",\"pad\":\"" + "y".repeat(64 * 1024) + "\"}";
        List<String[]> cases = List.of(
                new String[] {"not json", "invalid_json"},
                new String[] {"[1,2]", "invalid_frame"},
                new String[] {"{\"text\":\"no type\"}", "missing_type"},
                new String[] {"{\"type\":\"shout\",\"text\":\"hi\"}", "unknown_type"},
                new String[] {"{\"type\":\"message\",\"id\":\"x1\"}", "missing_text"},
                new String[] {"{\"type\":\"message\",\"id\":\"x2\",\"text\":\"   \"}", "missing_text"},
                new String[] {"{\"type\":\"message\",\"id\":\"x3\",\"text\":\"" + longText + "\"}", "text_too_long"},
                new String[] {hugeFrame, "frame_too_large"},
                new String[] {"{\"type\":\"message\",\"id\":42,\"text\":\"hi\"}", "invalid_id"},
                new String[] {"{\"type\":\"resume\",\"afterSeq\":-1}", "invalid_afterseq"},
                new String[] {"{\"type\":\"ack\",\"seq\":\"x\"}", "invalid_seq"});
        try (ChatClient chat = connect("s-bad")) {
            for (String[] c : cases) {
                chat.send(c[0]);
                JsonNode error = chat.next(WAIT);
                assertEquals("error", error.path("type").asText(), "for " + c[1]);
                assertEquals(c[1], error.path("code").asText());
                assertTrue(!error.path("message").asText().isEmpty());
            }
            assertEquals(0, userMessages("s-bad"));
            chat.sendMessage("ok", "still here?");
            JsonNode accepted = chat.next(WAIT);
            assertEquals("accepted", accepted.path("type").asText());
            assertEquals(1, userMessages("s-bad"));
        }
    }

    @Test
    void framesOfOneSocketAreAnsweredInTheOrderSentWhateverThreadAnswersThem() {
        // a message is appended from the event loop, a ping answered on a worker, a bad frame refused at once
        try (ChatClient chat = connect("s-order")) {
            chat.sendMessage("m1", "hello");
            chat.send("{\"type\":\"ping\"}");
            chat.send("{\"type\":\"message\"");
            chat.sendMessage("m2", "hello again");
            chat.send("{\"type\":\"ping\"}");
            List<String> answers = new ArrayList<>();
            while (answers.size() < 5) {
                JsonNode frame = chat.next(WAIT);
                String type = frame.path("type").asText();
                if (!type.equals("message") && !type.equals("state")) {
                    answers.add(type + (frame.hasNonNull("id") ? ":" + frame.path("id").asText() : ""));
                }
            }
            assertEquals(List.of("accepted:m1", "pong", "error", "accepted:m2", "pong"), answers);
            assertEquals(2, userMessages("s-order"));
        }
    }

    @Test
    void pingIsAnsweredWithPong() {
        try (ChatClient chat = connect("s-ping")) {
            chat.send("{\"type\":\"ping\"}");
            assertEquals("pong", chat.next(WAIT).path("type").asText());
        }
    }

    @Test
    void acksRecordTheHighestConfirmedSeqAndRejectUnknownOnes() {
        try (ChatClient chat = connect("s-ack")) {
            chat.sendMessage("m1", "hello");
            long seq = chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT).get(0).path("seq").asLong();
            chat.send("{\"type\":\"ack\",\"seq\":" + seq + "}");
            chat.send("{\"type\":\"ack\",\"seq\":999}");
            JsonNode error = chat.collect(f -> ChatClient.isType(f, "error"), 1, WAIT).get(0);
            assertEquals("invalid_seq", error.path("code").asText());
            assertEquals(seq, db.count("SELECT acked_effect_seq FROM sessions WHERE tenant_id = ?::uuid "
                    + "AND external_key = 's-ack'", tenant.tenantId()));
        }
    }
}
