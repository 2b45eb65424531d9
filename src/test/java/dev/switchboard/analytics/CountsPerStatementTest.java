package dev.switchboard.analytics;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A statement that inserts many messages (a group commit's) adds one count delta for each metric
 * and quarter hour it touched, not one per message. Checked inside the inserting transaction, which
 * then rolls back, so the count roller never sees the rows.
 */
@QuarkusTest
class CountsPerStatementTest {
    @Inject
    AgroalDataSource dataSource;

    @Test
    void manyMessagesInOneStatementAreOneDeltaPerMetric() {
        Tenants.Credentials tenant = Tenants.create("counts-per-statement-" + UUID.randomUUID());
        given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey()).header("Idempotency-Key", "first")
                .body("{\"id\": \"m1\", \"text\": \"hello\"}").post("/api/v1/sessions/counted/messages").then().statusCode(202);
        Db db = new Db(dataSource);
        Eventually.within(Duration.ofSeconds(20), "the first message processed", () -> db.count(
                "SELECT count(*) FROM sessions WHERE tenant_id = ?::uuid AND processed_seq > 0", tenant.tenantId()) == 1);
        long session = db.count("SELECT id FROM sessions WHERE tenant_id = ?::uuid", tenant.tenantId());

        List<Long> deltas = new ArrayList<>();
        QuarkusTransaction.begin();
        try {
            db.update("""
                    INSERT INTO events (tenant_id, session_id, seq, type, payload)
                    SELECT ?::uuid, ?, 1000 + i, 'user_message', '{"text": "counted"}' FROM generate_series(1, 3) i""",
                    tenant.tenantId(), session);
            db.update("""
                    INSERT INTO effects (tenant_id, channel, session_key, session_id, seq, reply_to, type, payload,
                                         dedupe_key, message_status)
                    SELECT ?::uuid, 'web', 'counted', ?, 1000 + i, 1000 + i, 'message', '{"text": "counted"}',
                           'counted-' || i, 'pending' FROM generate_series(1, 4) i""", tenant.tenantId(), session);
            for (String metric : List.of("messages_in", "messages_bot", "delivery_pending")) {
                deltas.add(db.count(DELTAS.formatted("count(*)"), tenant.tenantId(), metric));
                deltas.add(db.count(DELTAS.formatted("coalesce(sum(n), 0)"), tenant.tenantId(), metric));
            }
        } finally {
            QuarkusTransaction.rollback();
        }
        assertEquals(List.of(1L, 3L, 1L, 4L, 1L, 4L), deltas,
                "rows and total of messages_in, messages_bot and delivery_pending from the two statements");
    }

    /** Of the deltas this transaction added for a metric (its rows only: the roller may fold the others any time). */
    private static final String DELTAS = "SELECT %s FROM report_count_deltas WHERE tenant_id = ?::uuid AND metric = ? "
            + "AND xmin = pg_current_xact_id()::xid";
}
