package dev.switchboard.storage;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The time the log and the outbox stamp on what they record ({@code events.created_at},
 * {@code effects.created_at}), taken in Java so that what a worker holds in memory and what the
 * table holds are the same instant, and analytics computed live and rebuilt from the log agree. In
 * PostgreSQL's precision (microseconds). Tests replace the {@link Clock} to place events in time.
 */
@Singleton
public class LogClock {
    private final Clock clock;

    LogClock(Clock clock) {
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    @Singleton
    static class Producer {
        @Produces
        @Singleton
        @DefaultBean
        Clock systemClock() {
            return Clock.systemUTC();
        }
    }
}
