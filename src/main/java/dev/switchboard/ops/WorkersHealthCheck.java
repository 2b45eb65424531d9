package dev.switchboard.ops;

import dev.switchboard.processing.SessionScheduler;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the session workers take work (the database check comes with the datasource). */
@Readiness
@ApplicationScoped
public class WorkersHealthCheck implements HealthCheck {
    private final SessionScheduler scheduler;

    WorkersHealthCheck(SessionScheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("session-workers")
                .status(scheduler.isRunning())
                .withData("activeSessions", scheduler.activeSessions())
                .build();
    }
}
