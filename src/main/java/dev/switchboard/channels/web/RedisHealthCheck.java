package dev.switchboard.channels.web;

import dev.switchboard.ops.Invalidations;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Redis carries replies and cache invalidations between nodes; without it every node still serves
 * its own sockets (clients catch up by resuming) and reads through its caches. So Redis down is
 * degraded, never DOWN.
 */
@Readiness
@ApplicationScoped
public class RedisHealthCheck implements HealthCheck {
    private final CrossNodeReplies replies;
    private final Invalidations invalidations;

    RedisHealthCheck(CrossNodeReplies replies, Invalidations invalidations) {
        this.replies = replies;
        this.invalidations = invalidations;
    }

    @Override
    public HealthCheckResponse call() {
        boolean subscribed = replies.subscribed() && invalidations.live();
        boolean healthy = subscribed && replies.publishing();
        return HealthCheckResponse.named("redis").up().withData("subscribed", subscribed)
                .withData("cachesLive", invalidations.live())
                .withData("publishing", replies.publishing()).withData("publishFailures", replies.publishFailures())
                .withData("degraded", !healthy).build();
    }
}
