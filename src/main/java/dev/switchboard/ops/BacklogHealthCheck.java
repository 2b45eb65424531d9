package dev.switchboard.ops;

import dev.switchboard.processing.ProcessingGauges;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready while processing is further behind than {@code switchboard.health.max-backlog-age}. */
@Readiness
@ApplicationScoped
public class BacklogHealthCheck implements HealthCheck {
    private final ProcessingGauges gauges;
    private final long maxAgeSeconds;

    BacklogHealthCheck(ProcessingGauges gauges, OpsConfig config) {
        this.gauges = gauges;
        this.maxAgeSeconds = config.maxBacklogAge().toSeconds();
    }

    @Override
    public HealthCheckResponse call() {
        long age = gauges.oldestUnprocessedAgeSeconds();
        return HealthCheckResponse.named("processing-backlog").status(age <= maxAgeSeconds)
                .withData("sessionsBehind", gauges.sessionsBehind()).withData("oldestUnprocessedAgeSeconds", age)
                .withData("maxAgeSeconds", maxAgeSeconds).build();
    }
}
