package dev.switchboard.genesys;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Genesys Cloud as a desk (issue 11, ADR 0016). Hosts come from the tenant's region, never from the tenant. */
@ConfigMapping(prefix = "switchboard.genesys")
public interface GenesysConfig {
    /** Tests and development only: replaces {@code https://login.<region>} for every tenant. */
    Optional<String> loginBaseUrl();

    /** Tests and development only: replaces {@code https://api.<region>} for every tenant. */
    Optional<String> apiBaseUrl();

    /** One call to Genesys, connection included. */
    @WithDefault("10s")
    Duration callTimeout();

    /** A token is refreshed this long before Genesys says it expires. */
    @WithDefault("60s")
    Duration tokenRefreshBefore();

    /** How many of the latest turns the context message that opens a Genesys conversation carries. */
    @WithDefault("6")
    int contextTurns();

    /** How often conversations handed to Genesys are checked for having ended there. */
    @WithDefault("15s")
    Duration endCheckInterval();

    /** Delay before a throttled Genesys (429) is tried again when it names none (Retry-After). */
    @WithDefault("5s")
    Duration retryAfterDefault();

    Breaker breaker();

    /** The circuit breaker of each tenant's Genesys organisation. */
    interface Breaker {
        @WithDefault("10")
        int requestVolume();

        @WithDefault("0.5")
        double failureRatio();

        @WithDefault("10s")
        Duration delay();
    }
}
