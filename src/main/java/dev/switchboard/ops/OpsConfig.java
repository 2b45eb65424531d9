package dev.switchboard.ops;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "switchboard.health")
public interface OpsConfig {
    /** A group-commit batch that has not finished after this long makes liveness DOWN. */
    @WithDefault("60s")
    Duration stuckAfter();
}
