package dev.switchboard.support;

import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The clock of the log in tests: the system's, until a test places itself at an instant, and then
 * at the next (analytics' scenarios: "answered after 90 s" without waiting 90 s).
 */
@Singleton
public class TestClock extends Clock {
    private static volatile Instant fixed;

    /** From now on the log's time is {@code instant}, until moved or reset. */
    public static void at(Instant instant) {
        fixed = instant;
    }

    public static void reset() {
        fixed = null;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the log's clock is UTC");
    }

    @Override
    public Instant instant() {
        Instant at = fixed;
        return at == null ? Instant.now() : at;
    }
}
