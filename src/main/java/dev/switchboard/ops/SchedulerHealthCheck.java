package dev.switchboard.ops;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live while the scheduler runs its jobs: the recovery sweep, the outbox sweep, expiry, retention
 * and the analytics roll-up all hang on it. A heartbeat job proves it; no beat for
 * {@code switchboard.health.stuck-after} means a dead or wedged scheduler, which only a restart cures.
 */
@Liveness
@ApplicationScoped
public class SchedulerHealthCheck implements HealthCheck {
    private final long stuckAfterNanos;
    private volatile long lastBeatNanos = System.nanoTime();

    SchedulerHealthCheck(OpsConfig config) {
        this.stuckAfterNanos = config.stuckAfter().toNanos();
    }

    @Scheduled(every = "1s", identity = "scheduler-heartbeat")
    void beat() {
        lastBeatNanos = System.nanoTime();
    }

    @Override
    public HealthCheckResponse call() {
        long since = System.nanoTime() - lastBeatNanos;
        return HealthCheckResponse.named("scheduler").status(since <= stuckAfterNanos)
                .withData("secondsSinceHeartbeat", Duration.ofNanos(since).toSeconds()).build();
    }
}
