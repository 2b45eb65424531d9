package dev.switchboard.desk;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.support.ChatClient;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.RedisSubscribed;
import dev.switchboard.support.Tenants;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Another node sequences the desk feed (it holds the sequencer's lock): the desks connected to this
 * node get what it numbered, at once when it announces on Redis, and by polling when the announcement
 * never comes.
 */
@QuarkusTest
class DeskFeedAcrossNodesTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final long SEQUENCER_LOCK = 0x5357_4445_534bL;

    @TestHTTPResource("/")
    URI base;
    @Inject
    DataSource dataSource;
    @Inject
    RedisDataSource redis;

    @Test
    void changesNumberedOnAnotherNodeReachThisNodesDesks() throws Exception {
        Tenants.Credentials tenant = Tenants.create("desk-nodes-" + UUID.randomUUID());
        String token = given().contentType(ContentType.JSON).auth().oauth2(Tenants.ADMIN_TOKEN)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("name", "Dee", "email", "dee-" + UUID.randomUUID() + "@example.com"))
                .post("/api/v1/admin/tenants/" + tenant.tenantId() + "/agents").then().statusCode(201)
                .extract().path("token");
        RedisSubscribed.await(WAIT, "subscribed to Redis");
        Db db = new Db(dataSource);
        try (Connection nodeB = dataSource.getConnection();
                ChatClient desk = ChatClient.connectTo(base, "ws/v1/desk", token)) {
            desk.collect(f -> ChatClient.isType(f, "ready"), 1, WAIT);
            // node B is the sequencer from now on: this node can number nothing
            try (PreparedStatement lock = nodeB.prepareStatement("SELECT pg_advisory_lock(?)")) {
                lock.setLong(1, SEQUENCER_LOCK);
                lock.execute();
            }
            try {
                send(tenant, "across-1", "hello from B's side");
                long last = numberAsNodeB(db, tenant, 3);
                redis.pubsub(String.class).publish(DeskAnnouncements.CHANNEL, "node-b|" + tenant.tenantId() + "|" + last);
                List<JsonNode> frames = desk.collect(f -> f.has("cursor"), (int) last, WAIT);
                assertEquals("1", frames.get(0).path("cursor").asText());
                assertEquals(String.valueOf(last), frames.get(frames.size() - 1).path("cursor").asText());
                assertTrue(frames.stream().anyMatch(f -> "hello from B's side".equals(f.path("text").asText())));

                // no announcement this time (Redis lost it): the desk still gets it, by polling
                send(tenant, "across-1", "and again");
                long next = numberAsNodeB(db, tenant, last + 2);
                List<JsonNode> later = desk.collect(f -> f.has("cursor"), (int) (next - last), WAIT);
                assertEquals(String.valueOf(last + 1), later.get(0).path("cursor").asText(), "nothing skipped");
                assertTrue(desk.drain(Duration.ofMillis(1500)).stream().noneMatch(f -> f.has("cursor")),
                        "nothing twice");
            } finally {
                try (PreparedStatement unlock = nodeB.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                    unlock.setLong(1, SEQUENCER_LOCK);
                    unlock.execute();
                }
            }
        }
    }

    private static void send(Tenants.Credentials tenant, String session, String text) {
        given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString()).body(Map.of("text", text))
                .post("/api/v1/sessions/" + session + "/messages").then().statusCode(202);
    }

    /** What node B's sequencer does: numbers the tenant's committed rows once they hold {@code frames} frames in all. */
    private static long numberAsNodeB(Db db, Tenants.Credentials tenant, long frames) {
        Eventually.within(WAIT, "the changes written", () -> db.count("SELECT COALESCE(sum(frame_count), 0) "
                + "FROM desk_changes WHERE tenant_id = ?::uuid", tenant.tenantId()) >= frames);
        db.update("""
                WITH b AS (SELECT id, frame_count FROM desk_changes WHERE tenant_id = ?::uuid AND cursor IS NULL),
                     n AS (SELECT id, COALESCE((SELECT max(cursor) FROM desk_changes WHERE tenant_id = ?::uuid), 0)
                                      + sum(frame_count) OVER (ORDER BY id) AS cursor FROM b)
                UPDATE desk_changes d SET cursor = n.cursor FROM n WHERE d.id = n.id""", tenant.tenantId(),
                tenant.tenantId());
        return db.count("SELECT max(cursor) FROM desk_changes WHERE tenant_id = ?::uuid", tenant.tenantId());
    }
}
