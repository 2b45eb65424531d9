package dev.switchboard.processing;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "switchboard.processing")
public interface ProcessingConfig {
    /**
     * Worker threads that process sessions (each session on one worker at a time). They mostly wait
     * on the database and the group commit, so more workers than cores make bigger commit batches.
     */
    @WithDefault("32")
    int workers();

    /** Inbound events read per query while a session catches up. */
    @WithDefault("32")
    int batchSize();

    /** How often the recovery sweep looks for sessions that are behind (also read by its @Scheduled). */
    @WithDefault("5s")
    Duration sweepInterval();

    /** How often the backlog gauges are refreshed (read by ProcessingGauges' @Scheduled). */
    @WithDefault("15s")
    Duration gaugeInterval();

    /** Attempts at one inbound event before it is quarantined (outages of the database do not count). */
    @WithDefault("5")
    int maxAttempts();

    /** Wait after the first failed attempt; doubles per attempt, with jitter, up to {@link #retryMaxBackoff()}. */
    @WithDefault("1s")
    Duration retryInitialBackoff();

    @WithDefault("1m")
    Duration retryMaxBackoff();

    /**
     * Sessions whose committed state a node keeps in memory, so that their next inbound event, handed
     * over by the append, is processed without reading the log or the session row (ADR 0012).
     */
    @WithDefault("10000")
    int warmSessions();
}
