package dev.switchboard.genesys;

import java.time.Duration;
import java.util.Optional;

/** Genesys answered an error: its status and, for a throttle or an outage, when to try again. */
class GenesysError extends RuntimeException {
    private final int status;
    private final Optional<Duration> retryAfter;

    GenesysError(int status, Optional<Duration> retryAfter, String what) {
        super("Genesys answered HTTP " + status + " to " + what, null, false, false);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    int status() {
        return status;
    }

    Optional<Duration> retryAfter() {
        return retryAfter;
    }

    /** Genesys's own trouble (throttling, an outage): worth another try, and it counts against the breaker. */
    boolean transientFailure() {
        return status == 429 || status >= 500;
    }
}
