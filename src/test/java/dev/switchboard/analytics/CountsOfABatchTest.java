package dev.switchboard.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.support.ChatClient;
import dev.switchboard.support.Db;
import dev.switchboard.support.Tenants;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A group commit writes the messages of many sessions, and of two tenants, in one statement; the
 * counts still count each of them once, under its own tenant and channel, and agree with the rows.
 */
@QuarkusTest
class CountsOfABatchTest {
    private static final int SESSIONS = 8;
    private static final int MESSAGES = 5;
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** A tenant's counts as kept: rolled up, or still queued as deltas (two tenant parameters). */
    private static final String KEPT = "SELECT metric, bucket, channel, dim, n FROM report_counts "
            + "WHERE tenant_id = ?::uuid UNION ALL "
            + "SELECT metric, bucket, channel, dim, n FROM report_count_deltas WHERE tenant_id = ?::uuid";

    @TestHTTPResource("/")
    URI base;
    @Inject
    DataSource dataSource;

    @Test
    void messagesCommittedTogetherAreEachCountedOnceUnderTheirOwnTenant() {
        List<Tenants.Credentials> tenants = List.of(Tenants.create("batch-a-" + UUID.randomUUID()),
                Tenants.create("batch-b-" + UUID.randomUUID()));
        List<ChatClient> chats = new ArrayList<>();
        try {
            for (Tenants.Credentials tenant : tenants) {
                for (int s = 0; s < SESSIONS; s++) {
                    chats.add(ChatClient.connect(base, "batch-" + s, tenant.apiKey(), null));
                }
            }
            // every socket sends all its messages at once, so that the appender and the processing
            // committer write many of them, of both tenants, in one statement
            for (int m = 0; m < MESSAGES; m++) {
                for (ChatClient chat : chats) {
                    chat.sendMessage("m" + m, "hello " + m);
                }
            }
            for (ChatClient chat : chats) {
                chat.collect(f -> ChatClient.isType(f, "message"), MESSAGES, WAIT);
            }
        } finally {
            chats.forEach(ChatClient::close);
        }
        Db db = new Db(dataSource);
        for (Tenants.Credentials tenant : tenants) {
            assertEquals(SESSIONS * MESSAGES, kept(db, tenant, "messages_in"));
            assertEquals(SESSIONS * MESSAGES, kept(db, tenant, "messages_bot"));
            // one snapshot: the counts kept (rolled up or still queued) are the counts the rows give
            assertEquals(0, db.count("WITH truth AS (SELECT metric, bucket, channel, dim, n "
                    + "FROM report_counts_truth(?::uuid)), "
                    + "kept AS (SELECT metric, bucket, channel, dim, sum(n) AS n "
                    + "FROM (" + KEPT + ") k GROUP BY 1, 2, 3, 4) "
                    + "SELECT count(*) FROM truth FULL JOIN kept USING (metric, bucket, channel, dim) "
                    + "WHERE coalesce(truth.n, 0) <> coalesce(kept.n, 0)",
                    tenant.tenantId(), tenant.tenantId(), tenant.tenantId()), "counts of " + tenant.tenantId());
        }
    }

    private static long kept(Db db, Tenants.Credentials tenant, String metric) {
        return db.count("SELECT coalesce(sum(n), 0) FROM (" + KEPT + ") k WHERE metric = ? AND channel = 'web'",
                tenant.tenantId(), tenant.tenantId(), metric);
    }
}
