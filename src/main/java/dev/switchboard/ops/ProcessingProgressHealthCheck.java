package dev.switchboard.ops;

import dev.switchboard.processing.ProcessingGauges;
import dev.switchboard.processing.SessionProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live unless processing is stuck: an inbound event had waited longer than
 * {@code switchboard.health.stuck-after} when the processing gauges last measured, and no processed
 * message has committed since before that measurement, for as long (every worker hangs, or the
 * workers stopped). A measurement older than the last commit proves nothing either way. A slow node still commits and stays live; readiness
 * ({@link BacklogHealthCheck}) is what sends traffic elsewhere while it catches up.
 */
@Liveness
@ApplicationScoped
public class ProcessingProgressHealthCheck implements HealthCheck {
    private final ProcessingGauges gauges;
    private final SessionProcessor processor;
    private final long stuckAfterSeconds;

    ProcessingProgressHealthCheck(ProcessingGauges gauges, SessionProcessor processor, OpsConfig config) {
        this.gauges = gauges;
        this.processor = processor;
        this.stuckAfterSeconds = config.stuckAfter().toSeconds();
    }

    @Override
    public HealthCheckResponse call() {
        long waiting = gauges.oldestUnprocessedAgeSeconds();
        Duration sinceCommit = processor.sinceLastCommit();
        boolean measuredSinceCommit = gauges.sinceMeasuredNanos() < sinceCommit.toNanos();
        boolean stuck = measuredSinceCommit && waiting > stuckAfterSeconds && sinceCommit.toSeconds() > stuckAfterSeconds;
        return HealthCheckResponse.named("processing-progress").status(!stuck)
                .withData("oldestUnprocessedAgeSeconds", waiting).withData("secondsSinceLastCommit", sinceCommit.toSeconds())
                .build();
    }
}
