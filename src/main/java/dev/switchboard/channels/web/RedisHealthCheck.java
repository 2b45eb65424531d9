package dev.switchboard.channels.web;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Redis carries replies between nodes; without it every node still serves its own sockets and
 * clients catch up by resuming. So Redis down is degraded, never DOWN.
 */
@Readiness
@ApplicationScoped
public class RedisHealthCheck implements HealthCheck {
    private final CrossNodeReplies replies;

    RedisHealthCheck(CrossNodeReplies replies) {
        this.replies = replies;
    }

    @Override
    public HealthCheckResponse call() {
        boolean healthy = replies.subscribed() && replies.publishing();
        return HealthCheckResponse.named("redis").up().withData("subscribed", replies.subscribed())
                .withData("publishing", replies.publishing()).withData("publishFailures", replies.publishFailures())
                .withData("degraded", !healthy).build();
    }
}
