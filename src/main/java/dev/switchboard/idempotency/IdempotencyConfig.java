package dev.switchboard.idempotency;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "switchboard.idempotency")
public interface IdempotencyConfig {
    /** How long a key and its stored response are kept; a key reused after that is a new request. */
    @WithDefault("24h")
    Duration ttl();

    /** How long an execution may hold a key before a retry may reclaim it (a crashed holder). */
    @WithDefault("30s")
    Duration lockTimeout();

    /** How often expired keys are purged (also read by its @Scheduled). */
    @WithDefault("10m")
    Duration purgeInterval();

    /** Rows deleted per purge transaction. */
    @WithDefault("1000")
    int purgeBatch();
}
