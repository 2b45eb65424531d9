package dev.switchboard.privacy;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Enforces each tenant's retention policy: old events, effects and idempotency keys are deleted
 * tenant by tenant, in batches of {@code switchboard.retention.batch} rows, each batch its own short
 * transaction, so that no long lock or table-wide delete ever runs. System work: all tenants.
 */
@ApplicationScoped
public class RetentionJob {
    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    private final RetentionStore store;
    private final int batch;

    RetentionJob(RetentionStore store, @ConfigProperty(name = "switchboard.retention.batch", defaultValue = "1000")
            int batch) {
        this.store = store;
        this.batch = batch;
    }

    @Scheduled(every = "${switchboard.retention.interval:1h}", delayed = "5m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void periodic() {
        run();
    }

    /** Applies every policy once; returns the number of rows deleted. */
    public long run() {
        long deleted = 0;
        for (Map.Entry<UUID, RetentionPolicy> entry : store.all(null).entrySet()) {
            RetentionPolicy policy = entry.getValue();
            deleted += apply("events", entry.getKey(), policy.eventsDays());
            deleted += apply("effects", entry.getKey(), policy.effectsDays());
            deleted += apply("idempotency_keys", entry.getKey(), policy.idempotencyKeysDays());
        }
        if (deleted > 0) {
            LOG.infof("retention: deleted %d rows", deleted);
        }
        return deleted;
    }

    private long apply(String table, UUID tenant, Integer days) {
        if (days == null) {
            return 0;
        }
        long total = 0;
        int deleted;
        do {
            deleted = store.deleteBatch(table, tenant, days, batch);
            total += deleted;
        } while (deleted == batch);
        return total;
    }
}
