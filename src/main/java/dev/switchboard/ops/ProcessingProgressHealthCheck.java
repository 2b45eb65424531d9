package dev.switchboard.ops;

import dev.switchboard.processing.ProcessingGauges;
import dev.switchboard.processing.SessionProcessor;
import dev.switchboard.processing.SessionScheduler;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live unless processing is stuck: an inbound event had waited longer than
 * {@code switchboard.health.stuck-after} when the processing gauges last measured, and no processed
 * message has committed since before that measurement, for as long (every worker hangs, or the
 * workers stopped), while this node holds work or takes none: the backlog is the database's, and an
 * idle node beside a stuck one is not the one to restart. A measurement older than the last commit
 * proves nothing either way. A slow node still commits and stays live; readiness
 * ({@link BacklogHealthCheck}) is what sends traffic elsewhere while it catches up.
 */
@Liveness
@ApplicationScoped
public class ProcessingProgressHealthCheck implements HealthCheck {
    private final ProcessingGauges gauges;
    private final SessionProcessor processor;
    private final SessionScheduler scheduler;
    private final long stuckAfterSeconds;

    ProcessingProgressHealthCheck(ProcessingGauges gauges, SessionProcessor processor, SessionScheduler scheduler,
            OpsConfig config) {
        this.gauges = gauges;
        this.processor = processor;
        this.scheduler = scheduler;
        this.stuckAfterSeconds = config.stuckAfter().toSeconds();
    }

    @Override
    public HealthCheckResponse call() {
        long waiting = gauges.oldestUnprocessedAgeSeconds();
        Duration sinceCommit = processor.sinceLastCommit();
        boolean measuredSinceCommit = gauges.sinceMeasuredNanos() < sinceCommit.toNanos();
        // the backlog is the database's; only a node that holds work (or takes none) can be the one stuck
        boolean holdsWork = !scheduler.isRunning() || scheduler.activeSessions() > 0;
        boolean stuck = holdsWork && measuredSinceCommit && waiting > stuckAfterSeconds
                && sinceCommit.toSeconds() > stuckAfterSeconds;
        return HealthCheckResponse.named("processing-progress").status(!stuck)
                .withData("oldestUnprocessedAgeSeconds", waiting).withData("secondsSinceLastCommit", sinceCommit.toSeconds())
                .build();
    }
}
