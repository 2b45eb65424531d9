package dev.switchboard.ops;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "switchboard.health")
public interface OpsConfig {
    /** A group-commit batch that has not finished after this long makes liveness DOWN. */
    @WithDefault("60s")
    Duration stuckAfter();

    /**
     * An inbound event waiting longer than this for processing makes readiness DOWN (the load
     * balancer sends new sessions elsewhere until the node has caught up). Measured with the
     * processing gauges, so up to their interval late.
     */
    @WithDefault("2m")
    Duration maxBacklogAge();
}
