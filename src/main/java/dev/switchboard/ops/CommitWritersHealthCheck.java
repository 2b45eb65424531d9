package dev.switchboard.ops;

import dev.switchboard.storage.CommitWriters;
import dev.switchboard.storage.GroupCommitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live only while every group-commit writer can make progress: its thread runs, and no batch takes
 * it longer than {@code switchboard.health.stuck-after} (a transaction hung on a lock or a dead
 * connection), while everything else waits behind that batch.
 * Every append and every processed message waits on one of them, so a dead or stuck writer means a
 * node that accepts nothing; restarting it is the cure.
 */
@Liveness
@ApplicationScoped
public class CommitWritersHealthCheck implements HealthCheck {
    private final CommitWriters writers;
    private final long stuckAfterNanos;

    CommitWritersHealthCheck(CommitWriters writers, OpsConfig config) {
        this.writers = writers;
        this.stuckAfterNanos = config.stuckAfter().toNanos();
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("commit-writers").up();
        for (GroupCommitter<?, ?> writer : writers.all()) {
            String state;
            long busy = writer.busyNanos();
            if (!writer.alive()) {
                state = "dead";
            } else if (busy > stuckAfterNanos) {
                state = "stuck for " + Duration.ofNanos(busy).toSeconds() + " s, " + writer.waiting() + " waiting";
            } else {
                state = "ok";
            }
            response.withData(writer.name(), state);
            if (!"ok".equals(state)) {
                response.down();
            }
        }
        return response.build();
    }
}
