package dev.switchboard.cluster;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.processing.FaultInjectingAgent;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A node paused past its lease (here: held inside the agent while another node takes the partition)
 * commits nothing when it resumes; once the partition is its again, the event is processed once.
 */
@QuarkusTest
class FencingTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    DataSource dataSource;
    @Inject
    Leases leases;
    @Inject
    MeterRegistry registry;

    private static void say(Tenants.Credentials tenant, String key, String id, String text) {
        given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("id", id, "text", text)).post("/api/v1/sessions/" + key + "/messages").then().statusCode(202);
    }

    @Test
    void aCommitAfterTheLeaseWasTakenOverWritesNothingAndTheEventIsProcessedOnceLater() throws Exception {
        Tenants.Credentials tenant = Tenants.create("fencing-" + UUID.randomUUID());
        Db db = new Db(dataSource);
        say(tenant, "fenced", "m1", "hello");
        Eventually.within(WAIT, "the first message answered", () -> db.count("SELECT count(*) FROM sessions WHERE "
                + "tenant_id = ?::uuid AND processed_seq = last_inbound_seq", tenant.tenantId()) == 1);
        long session = db.count("SELECT id FROM sessions WHERE tenant_id = ?::uuid", tenant.tenantId());
        int partition = leases.partitionOf(session);
        assertTrue(leases.owns(session), "one node owns every partition");
        long effectsBefore = db.count("SELECT count(*) FROM effects WHERE session_id = ?", session);
        double fencedBefore = registry.counter("switchboard.cluster.fenced").count();

        FaultInjectingAgent.Hold hold = FaultInjectingAgent.holdNext();
        say(tenant, "fenced", "m2", "#hold what are your opening hours?");
        assertTrue(hold.entered().await(20, TimeUnit.SECONDS), "the agent is working on it");
        // meanwhile another node takes the partition over (its lease, a new epoch)
        db.update("UPDATE partition_leases SET owner = 'node-b', epoch = epoch + 1, "
                + "expires_at = now() + interval '1 hour' WHERE partition = ?", partition);
        hold.release().countDown();

        Eventually.within(WAIT, "the late commit was refused", () ->
                registry.counter("switchboard.cluster.fenced").count() > fencedBefore);
        assertEquals(effectsBefore, db.count("SELECT count(*) FROM effects WHERE session_id = ?", session),
                "the paused node wrote no reply");
        assertEquals(1, db.count("SELECT count(*) FROM sessions WHERE id = ? AND processed_seq < last_inbound_seq",
                session), "the event waits for its partition's owner");

        // node B goes away; this node takes the partition back and processes the event, once
        db.update("UPDATE partition_leases SET owner = NULL, expires_at = NULL WHERE partition = ?", partition);
        Eventually.within(WAIT, "processed after the takeover", () -> db.count(
                "SELECT count(*) FROM sessions WHERE id = ? AND processed_seq = last_inbound_seq", session) == 1);
        long m2 = db.count("SELECT seq FROM events WHERE session_id = ? AND client_msg_id = 'm2'", session);
        assertEquals(1, db.count("SELECT count(*) FROM effects WHERE session_id = ? AND reply_to = ? AND type = 'message'",
                session, m2), "answered exactly once");
        assertTrue(leases.owns(session));
    }
}
