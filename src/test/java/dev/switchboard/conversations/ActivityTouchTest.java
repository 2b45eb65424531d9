package dev.switchboard.conversations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.support.Db;
import dev.switchboard.support.Tenants;
import dev.switchboard.tenants.TenantId;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Every message touches its conversation's last activity, which the inbox index orders by. Kept to
 * the second, a touch within a second of the last one leaves the indexed column as it is, so the
 * update is HOT (ADR 0024); an older activity moves to now. Seeded and touched in one transaction,
 * where now() stands still, so the test needs no clock.
 */
@QuarkusTest
class ActivityTouchTest {
    @Inject
    ConversationStore store;
    @Inject
    DataSource dataSource;

    @Test
    void aTouchWithinASecondIsHotAndAnOlderActivityMovesToNow() {
        String tenantId = Tenants.create("touch-" + UUID.randomUUID()).tenantId();
        TenantId tenant = new TenantId(UUID.fromString(tenantId));
        Db db = new Db(dataSource);
        QuarkusTransaction.requiringNew().run(() -> {
            long recent = seed(db, tenantId, "recent", "500 milliseconds");
            long stale = seed(db, tenantId, "stale", "1 minute");

            // the backend's counts may still hold earlier transactions' until it reports them: deltas only
            long updates = counted(db, "n_tup_upd");
            long hot = counted(db, "n_tup_hot_upd");
            store.touchCurrent(recent, SessionAddress.web(tenant, "recent")).orElseThrow();
            assertEquals(updates + 1, counted(db, "n_tup_upd"));
            assertEquals(hot + 1, counted(db, "n_tup_hot_upd"), "a touch within a second writes no index entry");
            assertEquals(1, db.count("SELECT count(*) FROM conversations WHERE session_id = ? "
                    + "AND last_activity_at = now() - interval '500 milliseconds'", recent), "its activity stays");

            Conversation touched = store.touchCurrent(stale, SessionAddress.web(tenant, "stale")).orElseThrow()
                    .conversation();
            assertEquals(1, db.count("SELECT count(*) FROM conversations WHERE session_id = ? "
                    + "AND last_activity_at = now()", stale), "an activity a minute old moves to now");
            assertTrue(touched.lastActivityAt() != null, "the touch returns the activity it left");
        });
    }

    /** This backend's count of updates to conversations, from {@code pg_stat_xact_user_tables}. */
    private static long counted(Db db, String column) {
        return db.count("SELECT " + column + " FROM pg_stat_xact_user_tables WHERE relid = 'conversations'::regclass");
    }

    private static long seed(Db db, String tenantId, String key, String ago) {
        db.update("INSERT INTO sessions (tenant_id, channel, external_key, state, data, checksum) "
                + "VALUES (?::uuid, 'web', ?, 'idle', '{}', 'seed')", tenantId, key);
        long sessionId = db.count("SELECT id FROM sessions WHERE tenant_id = ?::uuid AND external_key = ?", tenantId, key);
        db.update("INSERT INTO conversations (id, tenant_id, session_id, channel, status, first_seq, last_activity_at) "
                + "VALUES (gen_random_uuid(), ?::uuid, ?, 'web', 'bot', 1, now() - ?::interval)", tenantId, sessionId, ago);
        return sessionId;
    }
}
