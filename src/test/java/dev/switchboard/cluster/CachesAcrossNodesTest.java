package dev.switchboard.cluster;

import static io.restassured.RestAssured.given;

import dev.switchboard.support.ChatClient;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.RedisSubscribed;
import dev.switchboard.support.Tenants;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The lookups every request makes are cached on each node and forgotten on every node when one node
 * changes them (announced on Redis); while a node cannot hear announcements it reads the database.
 * "Node B" here is this test: it changes the rows directly and announces as a node would.
 */
@QuarkusTest
class CachesAcrossNodesTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CHANNEL = "switchboard:invalidate";

    @TestHTTPResource("/")
    URI base;
    @Inject
    DataSource dataSource;
    @Inject
    RedisDataSource redis;

    private static int customers(String key) {
        return given().auth().oauth2(key).get("/api/v1/customers").then().extract().statusCode();
    }

    private void subscribed() {
        RedisSubscribed.await(WAIT, "subscribed to Redis");
    }

    @Test
    void aKeyRevokedOnAnotherNodeStopsWorkingHereWhenItIsAnnounced() {
        subscribed();
        Tenants.Credentials tenant = Tenants.create("revoked-elsewhere-" + UUID.randomUUID());
        Eventually.within(WAIT, "the key works and is cached", () -> customers(tenant.apiKey()) == 200);
        new Db(dataSource).update("UPDATE api_keys SET revoked_at = now() WHERE tenant_id = ?::uuid", tenant.tenantId());
        org.junit.jupiter.api.Assertions.assertEquals(200, customers(tenant.apiKey()), "cached: the database is not asked");
        redis.pubsub(String.class).publish(CHANNEL, "node-b|api-keys|");
        Eventually.within(WAIT, "refused once announced", () -> customers(tenant.apiKey()) == 401);
    }

    @Test
    void anAgentDeactivatedOnAnotherNodeIsRefusedAndDisconnectedHere() {
        subscribed();
        Tenants.Credentials tenant = Tenants.create("agent-elsewhere-" + UUID.randomUUID());
        JsonPath agent = given().contentType(ContentType.JSON).auth().oauth2(Tenants.ADMIN_TOKEN)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("name", "Dee", "email", "dee-" + UUID.randomUUID() + "@example.com"))
                .post("/api/v1/admin/tenants/" + tenant.tenantId() + "/agents").then().statusCode(201)
                .extract().jsonPath();
        String token = agent.getString("token");
        try (ChatClient desk = ChatClient.connectTo(base, "ws/v1/desk", token)) {
            desk.collect(f -> ChatClient.isType(f, "ready"), 1, WAIT);
            given().auth().oauth2(token).get("/api/v1/desk/me").then().statusCode(200);
            new Db(dataSource).update("UPDATE agents SET deactivated_at = now() WHERE id = ?::uuid", agent.getString("id"));
            redis.pubsub(String.class).publish(CHANNEL, "node-b|agent-tokens|" + agent.getString("id"));
            desk.collect(f -> ChatClient.isType(f, "closed"), 1, WAIT);
            Eventually.within(WAIT, "the token refused", () -> given().auth().oauth2(token).get("/api/v1/desk/me")
                    .then().extract().statusCode() == 401);
        }
    }

    @Test
    void aNodeThatLostItsSubscriptionNeverServesAStaleKey() {
        subscribed();
        Tenants.Credentials tenant = Tenants.create("unheard-" + UUID.randomUUID());
        Eventually.within(WAIT, "the key works and is cached", () -> customers(tenant.apiKey()) == 200);
        // Redis drops every subscriber (a restart, a network cut); the revocation's announcement is lost
        redis.execute("CLIENT", "KILL", "TYPE", "pubsub");
        new Db(dataSource).update("UPDATE api_keys SET revoked_at = now() WHERE tenant_id = ?::uuid", tenant.tenantId());
        Eventually.within(WAIT, "refused without any announcement", () -> customers(tenant.apiKey()) == 401);
        subscribed();
    }
}
