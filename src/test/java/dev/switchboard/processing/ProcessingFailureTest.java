package dev.switchboard.processing;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.FaultyAgent;
import dev.switchboard.support.Tenants;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An event whose processing keeps failing is retried with backoff, then quarantined for an operator. */
@QuarkusTest
class ProcessingFailureTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    DataSource dataSource;
    @Inject
    MeterRegistry metrics;

    Db db;
    Tenants.Credentials tenant;

    @BeforeEach
    void setUp() {
        db = new Db(dataSource);
        tenant = Tenants.create("fail-" + UUID.randomUUID());
    }

    private int send(String key, String text) {
        return given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body("{\"id\":\"" + UUID.randomUUID() + "\",\"text\":\"" + text + "\"}")
                .post("/api/v1/sessions/" + key + "/messages").then().statusCode(202).extract().path("seq");
    }

    private String status(String key) {
        return db.text("SELECT status FROM sessions WHERE tenant_id = ?::uuid AND external_key = ?", tenant.tenantId(),
                key);
    }

    private long replies(String key, long replyTo) {
        return db.count("SELECT count(*) FROM effects e JOIN sessions s ON s.id = e.session_id WHERE s.tenant_id = "
                + "?::uuid AND s.external_key = ? AND e.reply_to = ? AND e.type = 'message'", tenant.tenantId(), key,
                replyTo);
    }

    private double quarantinedTotal() {
        return metrics.counter("switchboard.processing.quarantined").count();
    }

    private io.restassured.response.Response operator(String key, String action) {
        return given().auth().oauth2(tenant.apiKey()).header("Idempotency-Key", UUID.randomUUID().toString())
                .post("/api/v1/sessions/" + key + "/quarantine/" + action);
    }

    @Test
    void anEventThatKeepsFailingIsQuarantinedAfterTheConfiguredAttemptsAndCanBeSkipped() {
        String tag = "q-" + UUID.randomUUID();
        double before = quarantinedTotal();
        int bad = send("quarantine-skip", "fault:error:" + tag + " always");
        int next = send("quarantine-skip", "hello");

        Eventually.within(WAIT, "quarantined", () -> "quarantined".equals(status("quarantine-skip")));
        assertEquals(3, FaultyAgent.attempts(tag), "max-attempts (3 in tests), then no more agent calls");
        // counted once its transaction committed, so a moment after the status is visible
        Eventually.within(WAIT, "counted", () -> quarantinedTotal() == before + 1);
        given().auth().oauth2(tenant.apiKey()).get("/api/v1/sessions/quarantine-skip").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("quarantined"))
                .body("quarantinedSeq", org.hamcrest.Matchers.equalTo(bad));
        assertEquals(1, db.count("SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id WHERE "
                + "s.tenant_id = ?::uuid AND e.type = 'error' AND e.payload->>'code' = 'processing_failed' "
                + "AND (e.payload->>'seq')::bigint = ? AND e.payload->>'cause' = 'java.lang.AssertionError'",
                tenant.tenantId(), (long) bad));
        assertEquals(0, replies("quarantine-skip", next), "the session waits at the quarantined event");

        operator("quarantine-skip", "skip").then().statusCode(202).body("seq", org.hamcrest.Matchers.equalTo(bad));
        Eventually.within(WAIT, "the next message is answered", () -> replies("quarantine-skip", next) == 1);
        assertEquals(0, replies("quarantine-skip", bad), "a skipped event is never answered");
        assertEquals(3, FaultyAgent.attempts(tag), "a skipped event is not run again");
        assertEquals("active", status("quarantine-skip"));
        operator("quarantine-skip", "skip").then().statusCode(409).contentType("application/problem+json");
    }

    @Test
    void anEventWhoseProcessingOverflowsTheStackIsQuarantinedNotRetriedForEver() {
        String tag = "so-" + UUID.randomUUID();
        int bad = send("overflow", "fault:recursion:" + tag + " too deep");
        Eventually.within(WAIT, "quarantined", () -> "quarantined".equals(status("overflow")));
        assertEquals(3, FaultyAgent.attempts(tag), "counted like any other failure of the event");
        assertEquals(1, db.count("SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id WHERE "
                + "s.tenant_id = ?::uuid AND e.type = 'error' AND (e.payload->>'seq')::bigint = ? "
                + "AND e.payload->>'cause' = 'java.lang.StackOverflowError'", tenant.tenantId(), (long) bad));
        int other = send("after-overflow", "hello");
        Eventually.within(WAIT, "the workers still serve other sessions", () -> replies("after-overflow", other) == 1);
    }

    @Test
    void aQuarantinedEventIsProcessedAgainOnRetryOnceItsCauseIsFixed() {
        String tag = "r-" + UUID.randomUUID();
        int bad = send("quarantine-retry", "fault:error:" + tag + " until healed");
        Eventually.within(WAIT, "quarantined", () -> "quarantined".equals(status("quarantine-retry")));
        FaultyAgent.heal(tag);
        operator("quarantine-retry", "retry").then().statusCode(202).body("seq", org.hamcrest.Matchers.equalTo(bad));
        Eventually.within(WAIT, "answered after the retry", () -> replies("quarantine-retry", bad) == 1);
        assertEquals("active", status("quarantine-retry"));
        assertEquals(1, db.count("SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id WHERE "
                + "s.tenant_id = ?::uuid AND e.type = 'quarantine_ended' AND e.payload->>'action' = 'retry'",
                tenant.tenantId()));
    }

    @Test
    void aFailureThatPassesIsRetriedWithBackoffAndTheWorkerKeepsServingTheSession() {
        String tag = "t-" + UUID.randomUUID();
        int flaky = send("flaky", "fault:error-twice:" + tag + " then fine");
        Eventually.within(WAIT, "answered once it passes", () -> replies("flaky", flaky) == 1);
        assertTrue(FaultyAgent.attempts(tag) >= 3, "two failed attempts, then the one that passed");
        assertEquals("active", status("flaky"));
        assertEquals(0, db.count("SELECT count(*) FROM events WHERE tenant_id = ?::uuid AND type = 'error'",
                tenant.tenantId()), "a failure that passes is not quarantined");
        int later = send("flaky", "hello");
        Eventually.within(WAIT, "a later message of the same session is answered", () -> replies("flaky", later) == 1);
    }

    @Test
    void aSessionThatIsNotQuarantinedHasNothingToRetryOrSkip() {
        send("healthy", "hello");
        operator("healthy", "retry").then().statusCode(409).contentType("application/problem+json");
        operator("no-such-session", "skip").then().statusCode(404);
        assertTrue(status("healthy").equals("active"));
    }
}
