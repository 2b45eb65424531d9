package dev.switchboard.ops;

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
    private final RedisChannels channels;
    private final Invalidations invalidations;

    RedisHealthCheck(RedisChannels channels, Invalidations invalidations) {
        this.channels = channels;
        this.invalidations = invalidations;
    }

    @Override
    public HealthCheckResponse call() {
        boolean healthy = channels.subscribed() && channels.publishing();
        return HealthCheckResponse.named("redis").up().withData("subscribed", channels.subscribed())
                .withData("cachesLive", invalidations.live()).withData("otherNodesListening", channels.othersListening())
                .withData("publishing", channels.publishing()).withData("publishFailures", channels.publishFailures())
                .withData("degraded", !healthy).build();
    }
}
