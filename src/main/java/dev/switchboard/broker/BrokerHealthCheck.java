package dev.switchboard.broker;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The broker delays domain events when it is down, and the node serves everything else as before:
 * so this is degraded, never DOWN, with the backlog and the last failure's kind.
 */
@Readiness
@ApplicationScoped
class BrokerHealthCheck implements HealthCheck {
    private final BrokerConfig config;
    private final DomainEventPublisher publisher;

    BrokerHealthCheck(BrokerConfig config, DomainEventPublisher publisher) {
        this.config = config;
        this.publisher = publisher;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("broker").up()
                .withData("enabled", config.enabled());
        if (!config.enabled()) {
            return response.build();
        }
        DomainEventPublisher.Backlog backlog = publisher.backlog();
        long oldestSeconds = backlog.oldest() == null ? 0 : Duration.between(backlog.oldest(), Instant.now()).toSeconds();
        response.withData("unpublished", backlog.events()).withData("oldestUnpublishedSeconds", oldestSeconds);
        Instant failedAt = publisher.lastFailureAt();
        boolean failing = failedAt != null && Duration.between(failedAt, Instant.now()).compareTo(config.maxBackoff()
                .plus(config.confirmTimeout())) < 0;
        if (failing) {
            response.withData("lastFailure", publisher.lastFailure()).withData("lastFailureAt", failedAt.toString());
        }
        return response.withData("degraded", failing).build();
    }
}
