package dev.switchboard.broker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Domain events on a broker (ADR 0018). */
@ConfigMapping(prefix = "switchboard.broker")
public interface BrokerConfig {
    /** Records and publishes domain events; off: nothing is recorded and the broker is never contacted. */
    @WithDefault("false")
    boolean enabled();

    /** Events published per round (each stream's in order, the streams side by side). */
    @WithDefault("500")
    int batchSize();

    /** How often the publisher looks for events when no commit woke it (another node's, say). */
    @WithDefault("1s")
    Duration pollInterval();

    /** How long one round waits for the broker's confirms before it counts as failed. */
    @WithDefault("10s")
    Duration confirmTimeout();

    /** The longest wait between rounds while the broker fails (doubling from the poll interval). */
    @WithDefault("30s")
    Duration maxBackoff();

    /** How long published events stay in the table (for an operator's look; consumers have them). */
    @WithDefault("P1D")
    Duration keepPublished();
}
