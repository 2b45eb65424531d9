package dev.switchboard.tenants;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.support.ChatClient;
import dev.switchboard.support.Tenants;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(RateLimitProfile.class)
class IngressRateLimitTest {
    @TestHTTPResource("/")
    URI base;

    private static Response send(Tenants.Credentials tenant, String session) {
        return given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString()).body("{\"text\":\"hello\"}")
                .post("/api/v1/sessions/" + session + "/messages");
    }

    @Test
    void aTenantOverItsLimitGets429WithRetryAfterAndOtherTenantsAreNotStarved() {
        Tenants.Credentials noisy = Tenants.create("noisy-" + UUID.randomUUID());
        Tenants.Credentials quiet = Tenants.create("quiet-" + UUID.randomUUID());
        int accepted = 0;
        Response refused = null;
        for (int i = 0; i < 10; i++) {
            Response r = send(noisy, "flood");
            if (r.statusCode() == 202) {
                accepted++;
            } else {
                refused = r;
            }
        }
        assertTrue(accepted >= 5 && accepted < 10, "the burst passes, then the limit holds: " + accepted);
        assertEquals(429, refused.statusCode());
        assertEquals("application/problem+json", refused.getContentType());
        assertTrue(Integer.parseInt(refused.getHeader("Retry-After")) >= 1);
        for (int i = 0; i < 3; i++) {
            assertEquals(202, send(quiet, "calm").statusCode(), "another tenant has its own budget");
        }
        try (ChatClient chat = ChatClient.connect(base, "flood-ws", noisy.apiKey(), null)) {
            JsonNode frame = null;
            for (int i = 0; i < 10 && (frame == null || !ChatClient.isType(frame, "error")); i++) {
                chat.sendMessage("m" + i, "hello");
                frame = chat.collect(f -> ChatClient.isType(f, "accepted") || ChatClient.isType(f, "error"), 1,
                        Duration.ofSeconds(10)).get(0);
            }
            assertEquals("rate_limited", frame.path("code").asText());
        }
    }

    @Inject
    RedisDataSource redis;

    @Test
    void theBucketIsInRedisSharedByEveryNode() {
        Tenants.Credentials tenant = Tenants.create("shared-bucket-" + UUID.randomUUID());
        // another node took every token a moment ago (its clock: the bucket's "at" is Redis's)
        redis.hash(String.class).hset(IngressRateLimiter.key(new TenantId(UUID.fromString(tenant.tenantId()))),
                Map.of("tokens", "0", "at", "99999999999999"));
        Response refused = send(tenant, "shared");
        assertEquals(429, refused.statusCode(), "this node's own bucket would still be full");
    }

    @Test
    void aRedisThatDoesNotAnswerLeavesEachNodeItsOwnBucket() {
        Tenants.Credentials tenant = Tenants.create("redis-paused-" + UUID.randomUUID());
        double before = fallbacks();
        redis.execute("CLIENT", "PAUSE", "2000", "ALL");
        assertEquals(202, send(tenant, "paused").statusCode(), "decided here within the budget, not failed");
        assertTrue(fallbacks() > before);
        for (int i = 0; i < 10; i++) {
            send(tenant, "paused");
        }
        assertEquals(429, send(tenant, "paused").statusCode(), "the local bucket still limits");
    }

    private static double fallbacks() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("switchboard_rate_limit_local_fallbacks_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
