package dev.switchboard.channels.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SessionsApiTest {
    Tenants.Credentials tenant;

    @BeforeEach
    void setUp() {
        tenant = Tenants.create("rest-" + UUID.randomUUID());
    }

    private RequestSpecification api() {
        return given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString());
    }

    private int send(String key, String id, String text) {
        return api().body("{\"id\":\"" + id + "\",\"text\":\"" + text + "\"}")
                .post("/api/v1/sessions/" + key + "/messages")
                .then().statusCode(202).extract().path("seq");
    }

    private void awaitReplies(String key, int count) {
        Eventually.within(Duration.ofSeconds(10), count + " replies on " + key, () -> api()
                .get("/api/v1/sessions/" + key + "/effects?limit=1000").then().extract()
                .jsonPath().getList("items.findAll { it.type == 'message' }").size() == count);
    }

    @Test
    void aMessageIsAcceptedWith202AndItsSeqAndARetryGetsTheSameSeq() {
        assertEquals(1, send("r-1", "c1", "hello"));
        assertEquals(1, send("r-1", "c1", "hello"));
        int second = send("r-1", "c2", "again");
        assertTrue(second > 1, "a new client id is a new event later in the log");
        awaitReplies("r-1", 2);
        api().get("/api/v1/sessions/r-1/events").then().statusCode(200)
                .body("items.findAll { it.type == 'user_message' }", hasSize(2));
    }

    @Test
    void theLogAndTheEffectsAreReadInSeqOrderWithPaging() {
        int first = send("r-page", "c1", "hello");
        int second = send("r-page", "c2", "help");
        awaitReplies("r-page", 2);
        api().get("/api/v1/sessions/r-page/effects").then().statusCode(200)
                .body("items.findAll { it.type == 'message' }.replyTo", equalTo(List.of(first, second)))
                .body("items[0].seq", equalTo(1))
                .body("items[0].text", equalTo("Hello! How can I help you today?"))
                .body("items[0].status", notNullValue());
        List<Integer> seqs = api().get("/api/v1/sessions/r-page/events").then().statusCode(200)
                .extract().jsonPath().getList("items.seq");
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(i + 1, seqs.get(i), "the log is gapless");
        }
        api().get("/api/v1/sessions/r-page/events?afterSeq=1&limit=2").then().statusCode(200)
                .body("items.seq", equalTo(List.of(2, 3)));
        api().get("/api/v1/sessions/r-page/effects?afterSeq=1").then().statusCode(200)
                .body("items[0].seq", equalTo(2));
    }

    @Test
    void theSessionShowsItsStateVersionAndCursors() {
        send("r-state", "c1", "hello");
        awaitReplies("r-state", 1);
        api().get("/api/v1/sessions/r-state").then().statusCode(200)
                .body("key", equalTo("r-state"))
                .body("channel", equalTo("web"))
                .body("state", equalTo("awaiting_input"))
                .body("version", equalTo(1))
                .body("processedSeq", equalTo(1))
                .body("data.turns", equalTo(1))
                .body("checksum", notNullValue());
    }

    @Test
    void badRequestsGetProblemJsonAndStoreNothing() {
        api().body("{\"id\":\"c1\"}").post("/api/v1/sessions/r-bad/messages").then().statusCode(400)
                .contentType("application/problem+json").body("status", equalTo(400))
                .body("detail", containsString("text"));
        api().body("{not json").post("/api/v1/sessions/r-bad/messages").then().statusCode(400)
                .contentType("application/problem+json");
        api().body("{\"id\":\"c1\",\"text\":\"" + "x".repeat(16 * 1024 + 1) + "\"}")
                .post("/api/v1/sessions/r-bad/messages").then().statusCode(400)
                .contentType("application/problem+json");
        api().body("{\"id\":\"" + "i".repeat(256) + "\",\"text\":\"hi\"}")
                .post("/api/v1/sessions/r-bad/messages").then().statusCode(400);
        api().get("/api/v1/sessions/r-bad").then().statusCode(404).contentType("application/problem+json");
        send("r-bad2", "c1", "hello");
        api().get("/api/v1/sessions/r-bad2/events?afterSeq=-1").then().statusCode(400)
                .contentType("application/problem+json");
        api().get("/api/v1/sessions/r-bad2/events?limit=0").then().statusCode(400);
        api().get("/api/v1/sessions/r-bad2/effects?limit=abc").then().statusCode(400);
    }

    @Test
    void everyApiCallNeedsAValidKeyAnd401IsProblemJson() {
        given().contentType(ContentType.JSON).body("{\"id\":\"c1\",\"text\":\"hi\"}")
                .post("/api/v1/sessions/r-auth/messages").then().statusCode(401)
                .contentType("application/problem+json").header("WWW-Authenticate", "Bearer");
        given().auth().oauth2("sb_wrong").get("/api/v1/sessions/r-auth").then().statusCode(401);
        given().auth().oauth2(tenant.apiKey()).contentType(ContentType.JSON).body("{\"name\":\"x\"}")
                .post("/api/v1/admin/tenants").then().statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void aTenantCannotSeeAnotherTenantsSession() {
        send("r-private", "c1", "hello");
        Tenants.Credentials other = Tenants.create("other-" + UUID.randomUUID());
        given().auth().oauth2(other.apiKey()).get("/api/v1/sessions/r-private").then().statusCode(404);
        given().auth().oauth2(other.apiKey()).get("/api/v1/sessions/r-private/events").then().statusCode(404);
    }

    @Test
    void adminCreatesTenantsAndKeysAndValidatesInput() {
        given().contentType(ContentType.JSON).auth().oauth2(Tenants.ADMIN_TOKEN).header("Idempotency-Key", UUID.randomUUID().toString())
                .body("{\"name\":\"\"}")
                .post("/api/v1/admin/tenants").then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON).auth().oauth2(Tenants.ADMIN_TOKEN).header("Idempotency-Key", UUID.randomUUID().toString())
                .post("/api/v1/admin/tenants/" + UUID.randomUUID() + "/api-keys").then().statusCode(404)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON).auth().oauth2(Tenants.ADMIN_TOKEN).header("Idempotency-Key", UUID.randomUUID().toString())
                .post("/api/v1/admin/tenants/not-a-uuid/api-keys").then().statusCode(404);
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().get("/q/health/ready").then().statusCode(200).body(containsString("session-workers"));
        given().get("/q/health/live").then().statusCode(200).body(containsString("commit-writers"));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("agroal_active_count"))
                .body(containsString("switchboard_group_commit_queue{writer=\"event-appender\"}"))
                .body(containsString("switchboard_group_commit_wait_seconds_count{writer=\"processing-committer\"}"))
                .body(containsString("switchboard_group_commit_duration_seconds_max"))
                .body(containsString("switchboard_processing_workers_busy"))
                .body(containsString("switchboard_processing_workers_waiting"))
                .body(containsString("switchboard_events_appended_total"))
                .body(containsString("switchboard_outbox_pending"))
                .body(containsString("switchboard_processing_queue_depth"))
                .body(containsString("switchboard_web_sockets_open"))
                .body(containsString("switchboard_web_send_failures_total"))
                .body(containsString("switchboard_agent_call_seconds_bucket"));
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/sessions/{key}/messages"));
    }
}
