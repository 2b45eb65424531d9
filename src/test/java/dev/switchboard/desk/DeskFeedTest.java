package dev.switchboard.desk;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.channels.whatsapp.GraphApiFake;
import dev.switchboard.support.ChatClient;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The live desk feed: every change of the tenant's conversations, exactly once, in commit order. */
@QuarkusTest
@QuarkusTestResource(GraphApiFake.class)
class DeskFeedTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TestHTTPResource("/")
    URI base;

    @Inject
    DataSource dataSource;

    private static String agentToken(Tenants.Credentials tenant, List<String> idOut) {
        var created = given().contentType(ContentType.JSON).auth().oauth2(Tenants.ADMIN_TOKEN)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("name", "Dee", "email", "dee-" + UUID.randomUUID() + "@example.com"))
                .post("/api/v1/admin/tenants/" + tenant.tenantId() + "/agents").then().statusCode(201)
                .extract().jsonPath();
        idOut.add(created.getString("id"));
        return created.getString("token");
    }

    private static void send(Tenants.Credentials tenant, String session, String text) {
        given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString()).body(Map.of("text", text))
                .post("/api/v1/sessions/" + session + "/messages").then().statusCode(202);
    }

    /** A desk socket once live delivery has started (its {@code ready} frame), so no later change can be missed. */
    private ChatClient live(String pathAndQuery, String token) {
        ChatClient desk = ChatClient.connectTo(base, pathAndQuery, token);
        desk.collect(f -> ChatClient.isType(f, "ready"), 1, WAIT);
        return desk;
    }

    private long changes(Tenants.Credentials tenant) {
        // every frame has its own cursor, so the last one counts them
        return new Db(dataSource).count("SELECT COALESCE(max(cursor), 0) FROM desk_changes WHERE tenant_id = ?::uuid",
                tenant.tenantId());
    }

    @Test
    void aDeskSeesHandoffsMessagesAndNotesLive() {
        Tenants.Credentials tenant = Tenants.create("feed-live-" + UUID.randomUUID());
        String token = agentToken(tenant, new ArrayList<>());
        try (ChatClient desk = live("ws/v1/desk", token)) {
            send(tenant, "feed-1", "I want a human");
            JsonNode pending = desk.collect(f -> ChatClient.isType(f, "conversation")
                    && "pending".equals(f.path("conversation").path("status").asText()), 1, WAIT).get(0);
            String conversation = pending.path("conversation").path("id").asText();
            assertEquals("feed-1", pending.path("conversation").path("sessionKey").asText());
            given().contentType(ContentType.JSON).auth().oauth2(token)
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .body(Map.of("id", "n1", "text", "internal only")).post("/api/v1/conversations/" + conversation
                            + "/notes").then().statusCode(201);
            JsonNode note = desk.collect(f -> ChatClient.isType(f, "message")
                    && "note".equals(f.path("direction").asText()), 1, WAIT).get(0);
            assertEquals("internal only", note.path("text").asText());
            assertEquals(conversation, note.path("conversationId").asText());
        }
    }

    @Test
    void aDeskThatReconnectsWithItsLastCursorMissesNothingAndGetsNothingTwice() throws Exception {
        Tenants.Credentials tenant = Tenants.create("feed-resume-" + UUID.randomUUID());
        String token = agentToken(tenant, new ArrayList<>());
        ExecutorService writers = Executors.newFixedThreadPool(8);
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            int n = i;
            sent.add(CompletableFuture.runAsync(() -> send(tenant, "resume-" + (n % 20), "hello " + n), writers));
        }
        List<JsonNode> seen = new ArrayList<>();
        try (ChatClient first = ChatClient.connectTo(base, "ws/v1/desk?after=0", token)) {
            seen.addAll(first.collect(f -> f.has("cursor"), 10, WAIT));
        }
        long last = Long.parseLong(seen.get(seen.size() - 1).path("cursor").asText());
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        writers.shutdown();
        Eventually.within(WAIT, "every message processed", () -> new Db(dataSource).count(
                "SELECT count(*) FROM sessions WHERE tenant_id = ?::uuid AND processed_seq = last_inbound_seq "
                        + "AND last_inbound_seq > 0", tenant.tenantId()) == 20);
        Eventually.within(WAIT, "the feed numbered", () -> new Db(dataSource).count("SELECT count(*) FROM "
                + "desk_changes WHERE tenant_id = ?::uuid AND cursor IS NULL", tenant.tenantId()) == 0);
        long total = changes(tenant);
        try (ChatClient again = ChatClient.connectTo(base, "ws/v1/desk?after=" + last, token)) {
            seen.addAll(again.collect(f -> f.has("cursor"), (int) (total - last), WAIT));
            assertTrue(again.drain(Duration.ofMillis(300)).stream().noneMatch(f -> f.has("cursor")), "nothing twice");
        }
        for (int i = 0; i < seen.size(); i++) {
            assertEquals(i + 1, Long.parseLong(seen.get(i).path("cursor").asText()), "cursor " + (i + 1) + " once, in order");
        }
        assertEquals(total, seen.size());
    }

    @Test
    void withoutACursorTheFeedStartsAtTheLastChangeAndSaysWhere() {
        Tenants.Credentials tenant = Tenants.create("feed-now-" + UUID.randomUUID());
        String token = agentToken(tenant, new ArrayList<>());
        send(tenant, "now-1", "hello");
        Eventually.within(WAIT, "the first message's changes numbered", () -> changes(tenant) >= 3
                && new Db(dataSource).count("SELECT count(*) FROM desk_changes WHERE tenant_id = ?::uuid "
                        + "AND cursor IS NULL", tenant.tenantId()) == 0);
        long before = changes(tenant);
        try (ChatClient desk = ChatClient.connectTo(base, "ws/v1/desk", token)) {
            JsonNode ready = desk.collect(f -> f.has("type"), 1, WAIT).get(0);
            assertEquals("ready", ready.path("type").asText(), "the first frame says where live delivery starts");
            assertEquals(String.valueOf(before), ready.path("after").asText());
            send(tenant, "now-1", "hello again");
            JsonNode next = desk.collect(f -> f.has("cursor"), 1, WAIT).get(0);
            assertEquals(before + 1, Long.parseLong(next.path("cursor").asText()), "no history, nothing skipped");
        }
        try (ChatClient replay = ChatClient.connectTo(base, "ws/v1/desk?after=0", token)) {
            assertEquals("0", replay.collect(f -> ChatClient.isType(f, "ready"), 1, WAIT).get(0).path("after").asText());
            assertEquals("1", replay.collect(f -> f.has("cursor"), 1, WAIT).get(0).path("cursor").asText(),
                    "after=0 replays from the first change");
        }
    }

    @Inject
    dev.switchboard.processing.InactivityExpiry expiry;

    @Test
    void whatsAppReceiptsAndAnExpiryReachTheDesk() {
        dev.switchboard.channels.whatsapp.WhatsAppFixture wa = dev.switchboard.channels.whatsapp.WhatsAppFixture
                .create("feed-status");
        String token = agentToken(wa.tenant, new ArrayList<>());
        String waId = "15557772001";
        try (ChatClient desk = live("ws/v1/desk", token)) {
            wa.deliver(wa.body(null, dev.switchboard.channels.whatsapp.WhatsAppFixture.textMessage(waId,
                    dev.switchboard.channels.whatsapp.WhatsAppFixture.newWamid(), "hello"), null)).statusCode(200);
            JsonNode out = desk.collect(f -> ChatClient.isType(f, "message") && "out".equals(f.path("direction").asText()),
                    1, WAIT).get(0);
            JsonNode sent = desk.collect(f -> ChatClient.isType(f, "status"), 1, WAIT).get(0);
            assertEquals("sent", sent.path("status").asText());
            assertEquals(out.path("effectSeq").asLong(), sent.path("effectSeq").asLong(), "the status names its message");
            assertEquals(out.path("conversationId").asText(), sent.path("conversationId").asText());

            // the session goes idle: the bot ends its conversation, and the desk sees it
            Eventually.within(WAIT, "processed", () -> new Db(dataSource).count("SELECT count(*) FROM sessions "
                    + "WHERE tenant_id = ?::uuid AND processed_seq = last_inbound_seq", wa.tenant.tenantId()) == 1);
            new Db(dataSource).update("UPDATE sessions SET last_activity_at = now() - interval '2 days' "
                    + "WHERE tenant_id = ?::uuid", wa.tenant.tenantId());
            assertTrue(expiry.expireInactive() >= 1);
            JsonNode resolved = desk.collect(f -> ChatClient.isType(f, "conversation")
                    && "resolved".equals(f.path("conversation").path("status").asText()), 1, WAIT).get(0);
            assertEquals(out.path("conversationId").asText(), resolved.path("conversation").path("id").asText());
        }
    }

    @Test
    void badCredentialsAndCursorsAreRefusedAndADeactivatedAgentIsDisconnected() {
        Tenants.Credentials tenant = Tenants.create("feed-auth-" + UUID.randomUUID());
        List<String> ids = new ArrayList<>();
        String token = agentToken(tenant, ids);
        assertRefused(() -> ChatClient.connectTo(base, "ws/v1/desk", "sba_nonsense"));
        assertRefused(() -> ChatClient.connectTo(base, "ws/v1/desk", tenant.apiKey()));
        assertRefused(() -> ChatClient.connectTo(base, "ws/v1/desk?after=-1", token));
        try (ChatClient ahead = ChatClient.connectTo(base, "ws/v1/desk?after=999999", token)) {
            assertEquals("invalid_cursor", ahead.collect(f -> ChatClient.isType(f, "error"), 1, WAIT).get(0)
                    .path("code").asText());
            send(tenant, "feed-ahead", "hello");
            assertEquals("1", ahead.collect(f -> f.has("cursor"), 1, WAIT).get(0).path("cursor").asText(),
                    "delivery goes on from the tenant's real last cursor");
        }
        try (ChatClient desk = live("ws/v1/desk", token)) {
            desk.send("{\"type\":\"ping\"}");
            desk.collect(f -> ChatClient.isType(f, "pong"), 1, WAIT);
            given().auth().oauth2(Tenants.ADMIN_TOKEN).delete("/api/v1/admin/tenants/" + tenant.tenantId()
                    + "/agents/" + ids.get(0)).then().statusCode(204);
            desk.collect(f -> ChatClient.isType(f, "closed"), 1, WAIT);
        }
        assertRefused(() -> ChatClient.connectTo(base, "ws/v1/desk", token));
    }

    private static void assertRefused(Runnable connect) {
        try {
            connect.run();
        } catch (RuntimeException expected) {
            return;
        }
        throw new AssertionError("the upgrade was accepted");
    }
}
