package dev.switchboard.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "switchboard.outbox")
public interface OutboxConfig {
    /** Attempts before an effect is dead-lettered, once it is older than {@link #retryFor()}. */
    @WithDefault("8")
    int maxAttempts();

    /**
     * How long after its creation a failing effect is retried whatever its attempts, so that an outage
     * of the channel shorter than this loses nothing, even on a line too quiet to open its breaker.
     */
    @WithDefault("1h")
    Duration retryFor();

    /** Backoff after the first failed attempt; doubles each attempt, with equal jitter ({@link dev.switchboard.ops.Backoff}). */
    @WithDefault("1s")
    Duration initialBackoff();

    /** Upper bound of the backoff. */
    @WithDefault("5m")
    Duration maxBackoff();

    /** How long a claimed effect is reserved for the node that claimed it. */
    @WithDefault("30s")
    Duration claimLease();

    /** Effects claimed at a time; a sweep claims again at once while its claims come back full. */
    @WithDefault("200")
    int sweepBatch();

    /** How often due effects (retries, crash leftovers) are claimed (also read by its @Scheduled). */
    @WithDefault("5s")
    Duration sweepInterval();

    /** How often the backlog gauges are refreshed (also read by its @Scheduled). */
    @WithDefault("15s")
    Duration gaugeInterval();

    /** Threads per channel that deliver committed effects; a session's effects always use the same one, in order. */
    @WithDefault("4")
    int deliveryLanes();
}
