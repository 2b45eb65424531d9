package dev.switchboard.analytics;

import dev.switchboard.storage.Jdbc;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import javax.sql.DataSource;

/**
 * Folds the queued count changes ({@code report_count_deltas}) into {@code report_counts} (quarter
 * hours) and {@code report_counts_daily} (UTC days). Each queued row is moved exactly once, in one
 * statement: deleted from the queue and added to both its counts in the same transaction, so that
 * the rebuild, which reads the counts and the queue at one snapshot, counts it once. Reports read
 * the counts only: they are at most one roll interval behind the log. Rollers on several nodes split the queue between them (a row one deletes, the other
 * skips).
 */
@ApplicationScoped
class CountRoller {
    private final DataSource dataSource;

    CountRoller(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Scheduled(every = "${switchboard.analytics.roll-interval:1s}", delayed = "${switchboard.analytics.roll-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void roll() {
        Jdbc.update(dataSource, "fold the count changes", """
                WITH moved AS (DELETE FROM report_count_deltas RETURNING tenant_id, metric, bucket, channel, dim, n),
                quarters AS (
                    INSERT INTO report_counts (tenant_id, metric, bucket, channel, dim, n)
                    SELECT tenant_id, metric, bucket, channel, dim, sum(n) FROM moved
                     GROUP BY tenant_id, metric, bucket, channel, dim
                     ORDER BY tenant_id, metric, bucket, channel, dim
                    ON CONFLICT (tenant_id, metric, bucket, channel, dim) DO UPDATE SET n = report_counts.n + EXCLUDED.n)
                INSERT INTO report_counts_daily (tenant_id, metric, day, channel, dim, n)
                SELECT tenant_id, metric, date_trunc('day', bucket, 'UTC'), channel, dim, sum(n) FROM moved
                 GROUP BY tenant_id, metric, date_trunc('day', bucket, 'UTC'), channel, dim
                 ORDER BY tenant_id, metric, date_trunc('day', bucket, 'UTC'), channel, dim
                ON CONFLICT (tenant_id, metric, day, channel, dim) DO UPDATE SET n = report_counts_daily.n + EXCLUDED.n""");
;
    }
}
