package dev.switchboard.ops;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with equal jitter: attempt n waits a random time in
 * [base*2^(n-1)/2, base*2^(n-1)], capped, so that work that failed together does not retry in step.
 * Used by the outbox (delivery retries) and the scheduler (processing retries).
 */
public final class Backoff {
    private final Duration initial;
    private final Duration max;

    public Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
    }

    public Duration after(int attempts) {
        int exponent = Math.min(Math.max(attempts - 1, 0), 30);
        long ceiling = Math.min(max.toMillis(), initial.toMillis() * (1L << exponent));
        long half = ceiling / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
    }
}
