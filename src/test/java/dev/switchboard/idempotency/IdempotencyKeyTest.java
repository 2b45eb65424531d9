package dev.switchboard.idempotency;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.ChatClient;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class IdempotencyKeyTest {
    @TestHTTPResource("/")
    URI base;
    @Inject
    DataSource dataSource;
    @Inject
    IdempotentRequests requests;

    Db db;
    Tenants.Credentials tenant;

    @BeforeEach
    void setUp() {
        db = new Db(dataSource);
        tenant = Tenants.create("idem-" + UUID.randomUUID());
        ProbeCommandResource.failNext = false;
        ProbeCommandResource.hold = null;
    }

    private Response post(Tenants.Credentials who, String path, String key, String body) {
        var request = given().contentType(ContentType.JSON).auth().oauth2(who.apiKey()).body(body);
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        return request.post(path);
    }

    private Response message(String session, String key, String body) {
        return post(tenant, "/api/v1/sessions/" + session + "/messages", key, body);
    }

    private long userMessages(String session) {
        return db.count("SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id WHERE s.tenant_id = ?::uuid "
                + "AND s.external_key = ? AND e.type = 'user_message'", tenant.tenantId(), session);
    }

    @Test
    void aStateChangingPostWithoutTheHeaderIs400AndExecutesNothing() {
        message("i-missing", null, "{\"text\":\"hi\"}").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("Idempotency-Key"));
        given().contentType(ContentType.JSON).auth().oauth2(Tenants.ADMIN_TOKEN).body("{\"name\":\"x\"}")
                .post("/api/v1/admin/tenants").then().statusCode(400).contentType("application/problem+json");
        assertEquals(0, userMessages("i-missing"));
    }

    @Test
    void keysAreBareOrRfc8941StringsOf1To255PrintableAsciiCharacters() {
        for (String bad : List.of("", "x".repeat(256), "has space", "caf\u00e9", "\"unterminated", "\"bad\\escape\"",
                "\"\"")) {
            Response r = message("i-syntax", bad, "{\"text\":\"hi\"}");
            assertEquals(400, r.statusCode(), "key [" + bad + "]");
            assertEquals("application/problem+json", r.getContentType());
        }
        assertEquals(0, userMessages("i-syntax"));
        message("i-syntax", "x".repeat(255), "{\"text\":\"hi\"}").then().statusCode(202);
        message("i-syntax", "\"quoted key with \\\"escapes\\\"\"", "{\"text\":\"hi\"}").then().statusCode(202);
        message("i-syntax", "quoted", "{\"text\":\"again\"}").then().statusCode(202);
        message("i-syntax", "\"quoted\"", "{\"text\":\"again\"}").then().statusCode(202)
                .header(IdempotentRequests.REPLAYED, "true");
    }

    @Test
    void aRetryGetsTheFirstResponseByteForByteAndNothingRunsAgain() {
        Response first = message("i-replay", "k-replay", "{\"text\":\"no client id here\"}");
        first.then().statusCode(202);
        assertNull(first.getHeader(IdempotentRequests.REPLAYED));
        Response second = message("i-replay", "k-replay", "{\"text\":\"no client id here\"}");
        second.then().statusCode(202).header(IdempotentRequests.REPLAYED, "true");
        assertArrayEquals(first.asByteArray(), second.asByteArray());
        assertEquals(first.getContentType(), second.getContentType());
        assertEquals(1, userMessages("i-replay"));
        Eventually.within(Duration.ofSeconds(10), "one reply", () -> db.count("SELECT count(*) FROM effects f "
                + "JOIN sessions s ON s.id = f.session_id WHERE s.tenant_id = ?::uuid AND s.external_key = 'i-replay' "
                + "AND f.type = 'message'", tenant.tenantId()) == 1);
    }

    @Test
    void theSameKeyWithADifferentBodyIs422ButReorderedOrReindentedJsonIsTheSameRequest() {
        message("i-fp", "k-fp", "{\"id\":\"c1\",\"text\":\"hello\"}").then().statusCode(202);
        message("i-fp", "k-fp", "{\n  \"text\" : \"hello\",\n  \"id\" : \"c1\"\n}").then().statusCode(202)
                .header(IdempotentRequests.REPLAYED, "true");
        message("i-fp", "k-fp", "{\"id\":\"c1\",\"text\":\"goodbye\"}").then().statusCode(422)
                .contentType("application/problem+json");
        message("i-fp-other", "k-fp", "{\"id\":\"c1\",\"text\":\"hello\"}").then().statusCode(422);
        assertEquals(1, userMessages("i-fp"));
        assertEquals(0, userMessages("i-fp-other"));
    }

    @Test
    void twentyParallelRequestsWithOneKeyExecuteExactlyOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<Response>> results = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (int i = 0; i < 20; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return message("i-race", "k-race", "{\"text\":\"only once\"}");
                }));
            }
            start.countDown();
            int executed = 0;
            for (Future<Response> result : results) {
                Response r = result.get();
                assertTrue(r.statusCode() == 202 || r.statusCode() == 409, "202 or 409, got " + r.statusCode());
                if (r.statusCode() == 202 && r.getHeader(IdempotentRequests.REPLAYED) == null) {
                    executed++;
                }
            }
            assertEquals(1, executed, "exactly one request executed");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, userMessages("i-race"));
    }

    @Test
    void clientErrorsAreStoredAndReplayed() {
        Response first = message("i-4xx", "k-4xx", "{\"id\":\"c1\"}");
        first.then().statusCode(400).contentType("application/problem+json");
        Response second = message("i-4xx", "k-4xx", "{\"id\":\"c1\"}");
        second.then().statusCode(400).header(IdempotentRequests.REPLAYED, "true");
        assertArrayEquals(first.asByteArray(), second.asByteArray());
    }

    @Test
    void aServerErrorIsNotStoredSoARetryExecutes() {
        String name = "5xx-" + UUID.randomUUID();
        ProbeCommandResource.failNext = true;
        post(tenant, "/api/v1/test/probe", "k-5xx", name).then().statusCode(500);
        assertEquals(0, db.count("SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id WHERE s.external_key = ? AND e.type = 'user_message'",
                "probe-" + name),
                "the failed command's writes were rolled back");
        post(tenant, "/api/v1/test/probe", "k-5xx", name).then().statusCode(201);
        post(tenant, "/api/v1/test/probe", "k-5xx", name).then().statusCode(201)
                .header(IdempotentRequests.REPLAYED, "true");
        assertEquals(1, db.count("SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id WHERE s.external_key = ? AND e.type = 'user_message'",
                "probe-" + name));
    }

    @Test
    void aKeyHeldByACrashedRequestBecomesReclaimableAfterTheLockTimeout() throws Exception {
        String name = "held-" + UUID.randomUUID();
        CountDownLatch release = new CountDownLatch(1);
        ProbeCommandResource.hold = release;
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Response> holder = pool.submit(() -> post(tenant, "/api/v1/test/probe", "k-held", name));
            Eventually.within(Duration.ofSeconds(10), "the first request holds the key",
                    () -> db.count("SELECT count(*) FROM idempotency_keys WHERE key = 'k-held' "
                            + "AND status = 'in_progress'") == 1);
            post(tenant, "/api/v1/test/probe", "k-held", name).then().statusCode(409)
                    .contentType("application/problem+json");

            // the holder stops renewing, as a killed process would: its lock runs out
            db.update("UPDATE idempotency_keys SET locked_until = now() - interval '1 second' WHERE key = 'k-held'");
            ProbeCommandResource.hold = null;
            post(tenant, "/api/v1/test/probe", "k-held", name).then().statusCode(201);

            release.countDown();
            assertEquals(409, holder.get().statusCode(), "the stale holder may not complete over the new owner");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
        assertEquals(1, db.count("SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id WHERE s.external_key = ? AND e.type = 'user_message'",
                "probe-" + name),
                "only the reclaiming request's writes were committed");
        post(tenant, "/api/v1/test/probe", "k-held", name).then().statusCode(201)
                .header(IdempotentRequests.REPLAYED, "true");
    }

    @Test
    void anExpiredKeyIsANewRequestAndThePurgeRemovesExpiredKeys() {
        message("i-expire", "k-expire", "{\"text\":\"first\"}").then().statusCode(202);
        db.update("UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 'k-expire' "
                + "AND tenant_id = ?::uuid", tenant.tenantId());
        Response again = message("i-expire", "k-expire", "{\"text\":\"first\"}");
        again.then().statusCode(202);
        assertNull(again.getHeader(IdempotentRequests.REPLAYED));
        assertEquals(2, userMessages("i-expire"));

        db.update("UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE tenant_id = ?::uuid",
                tenant.tenantId());
        requests.purgeExpired();
        assertEquals(0, db.count("SELECT count(*) FROM idempotency_keys WHERE tenant_id = ?::uuid", tenant.tenantId()));
    }

    @Test
    void oneTenantsKeysAreInvisibleToAnother() {
        Tenants.Credentials other = Tenants.create("idem-other-" + UUID.randomUUID());
        message("i-shared", "k-shared", "{\"text\":\"tenant a\"}").then().statusCode(202);
        Response b = post(other, "/api/v1/sessions/i-shared/messages", "k-shared", "{\"text\":\"tenant b\"}");
        b.then().statusCode(202);
        assertNull(b.getHeader(IdempotentRequests.REPLAYED));
    }

    @Test
    void aRestRetryAndAWebSocketResendOfOneClientIdConvergeOnOneEvent() {
        long seq;
        try (ChatClient chat = ChatClient.connect(base, "i-converge", tenant.apiKey(), null)) {
            chat.sendMessage("conv-1", "hello");
            seq = chat.collect(f -> ChatClient.isType(f, "accepted"), 1, Duration.ofSeconds(10)).get(0)
                    .path("seq").asLong();
        }
        int restSeq = message("i-converge", UUID.randomUUID().toString(), "{\"id\":\"conv-1\",\"text\":\"hello\"}")
                .then().statusCode(202).extract().path("seq");
        assertEquals(seq, restSeq);
        assertEquals(1, userMessages("i-converge"));
    }

    @Test
    void idempotencyMetricsAreExposed() {
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("switchboard_idempotency_replays_total"))
                .body(containsString("switchboard_idempotency_conflicts_total"))
                .body(containsString("switchboard_idempotency_mismatches_total"))
                .body(containsString("switchboard_idempotency_active_keys"));
    }
}
