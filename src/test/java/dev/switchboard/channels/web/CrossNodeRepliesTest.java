package dev.switchboard.channels.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.ops.RedisChannels;
import dev.switchboard.support.ChatClient;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.RedisSubscribed;
import dev.switchboard.support.Tenants;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.pubsub.PubSubCommands;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Replies cross nodes through Redis: announced by the node that commits them, delivered by the one with the socket. */
@QuarkusTest
class CrossNodeRepliesTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TestHTTPResource("/")
    URI base;
    @Inject
    RedisDataSource redis;
    @Inject
    DataSource dataSource;

    /** What node B commits for a session: a web reply at {@code seq} that this node knows nothing about. */
    private static void commitReplyAsNodeB(Db db, Tenants.Credentials tenant, long session, String key, long seq,
            String text) {
        db.update("INSERT INTO effects (tenant_id, session_id, channel, session_key, seq, reply_to, type, payload, "
                + "dedupe_key, status, message_status) VALUES (?::uuid, ?, 'web', ?, ?, 1, 'message', "
                + "jsonb_build_object('text', ?::text), ?, 'awaiting_client', 'pending')", tenant.tenantId(), session, key,
                seq, text, "node-b:" + UUID.randomUUID());
    }

    @Test
    void aReplyCommittedOnAnotherNodeReachesASocketOnThisOne() {
        Tenants.Credentials tenant = Tenants.create("cross-node-" + UUID.randomUUID());
        RedisSubscribed.await(WAIT, "subscribed to Redis");
        // a key may hold the announcement's separator: "else|where"
        try (ChatClient chat = ChatClient.connect(base, "else%7Cwhere", tenant.apiKey(), null)) {
            chat.sendMessage("m1", "hello");
            long replySeq = chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT).get(0).path("seq").asLong();
            chat.drain(Duration.ofMillis(300));
            Db db = new Db(dataSource);
            long session = db.count("SELECT id FROM sessions WHERE tenant_id = ?::uuid", tenant.tenantId());
            long next = db.count("SELECT max(seq) FROM effects WHERE session_id = ?", session) + 1;
            // what node B would have committed: a reply this node knows nothing about, then its announcement
            commitReplyAsNodeB(db, tenant, session, "else|where", next, "answered on node B");
            redis.pubsub(String.class).publish(CrossNodeReplies.CHANNEL, String.join("|", "node-b", tenant.tenantId(),
                    "else%7Cwhere", Long.toString(session), Long.toString(next), Long.toString(next)));
            JsonNode reply = chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT).get(0);
            assertEquals("answered on node B", reply.path("text").asText());
            assertEquals(next, reply.path("seq").asLong());
            assertTrue(next > replySeq);
        }
    }

    @Test
    void aReplyCommittedElsewhereWhileRedisWasAwayStillArrives() {
        Tenants.Credentials tenant = Tenants.create("unannounced-" + UUID.randomUUID());
        RedisSubscribed.await(WAIT, "subscribed to Redis");
        try (ChatClient chat = ChatClient.connect(base, "unannounced", tenant.apiKey(), null)) {
            chat.sendMessage("m1", "hello");
            chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT);
            chat.drain(Duration.ofMillis(300));
            Db db = new Db(dataSource);
            long session = db.count("SELECT id FROM sessions WHERE tenant_id = ?::uuid", tenant.tenantId());
            long next = db.count("SELECT max(seq) FROM effects WHERE session_id = ?", session) + 1;
            // Redis drops its subscribers; node B commits a reply whose announcement nobody hears
            redis.execute("CLIENT", "KILL", "TYPE", "pubsub");
            commitReplyAsNodeB(db, tenant, session, "unannounced", next, "said while Redis was away");
            db.update("UPDATE sessions SET effect_seq = ? WHERE id = ?", next, session);
            JsonNode reply = chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT).get(0);
            assertEquals("said while Redis was away", reply.path("text").asText());
        }
        RedisSubscribed.await(WAIT, "subscribed again");
    }

    @Test
    void aPersonTypingOnAnotherNodesDeskShowsOnThisNodesSocket() {
        Tenants.Credentials tenant = Tenants.create("typing-node-" + UUID.randomUUID());
        RedisSubscribed.await(WAIT, "subscribed to Redis");
        try (ChatClient chat = ChatClient.connect(base, "typed%7Cto", tenant.apiKey(), null)) {
            chat.sendMessage("m1", "hello");
            chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT);
            // what node B announces when its desk's agent types (the key and the name encoded)
            redis.pubsub(String.class).publish(TypingRelay.CHANNEL, String.join("|", "node-b", tenant.tenantId(),
                    "typed%7Cto", "Dee+%7C+Desk"));
            JsonNode typing = chat.collect(f -> ChatClient.isType(f, "typing"), 1, WAIT).get(0);
            assertEquals("agent", typing.path("from").path("kind").asText());
            assertEquals("Dee | Desk", typing.path("from").path("name").asText());
        }
    }

    @Test
    void thisNodeAnnouncesTheRepliesItCommitsWithoutTheirContent() {
        Tenants.Credentials tenant = Tenants.create("announce-" + UUID.randomUUID());
        List<String> heard = new CopyOnWriteArrayList<>();
        // subscribed as node B is, to every channel (Redis counts a node's listeners per channel), and
        // saying hello as node B does: before that, this node may think it is alone and not announce
        PubSubCommands.RedisSubscriber listening = redis.pubsub(String.class).subscribeToPattern("switchboard:*",
                message -> heard.add(message));
        redis.pubsub(String.class).publish(RedisChannels.NODES, "node-b|hello");
        Eventually.within(WAIT, "this node heard node B", () -> given().get("/q/health/ready").then().extract()
                .jsonPath().getBoolean("checks.find { it.name == 'redis' }.data.otherNodesListening"));
        try (ChatClient chat = ChatClient.connect(base, "announced", tenant.apiKey(), null)) {
            chat.sendMessage("m1", "a secret word: marmalade");
            chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT);
            Eventually.within(WAIT, "an announcement of this session", () -> heard.stream()
                    .anyMatch(a -> a.contains(tenant.tenantId()) && a.contains("|announced|")));
            assertTrue(heard.stream().noneMatch(a -> a.contains("marmalade")), "ids and seqs only");
        } finally {
            listening.unsubscribe();
        }
        given().get("/q/health/ready").then().body("checks.find { it.name == 'redis' }.status", equalTo("UP"));
    }
}
