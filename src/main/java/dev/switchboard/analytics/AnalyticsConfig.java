package dev.switchboard.analytics;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "switchboard.analytics")
public interface AnalyticsConfig {
    /**
     * How often queued count changes are folded into the counts (also read by the roller's
     * @Scheduled): the reports are at most this far behind the log.
     */
    @WithDefault("1s")
    Duration rollInterval();

    /** Sessions the rebuild measures per transaction (their rows are locked meanwhile). */
    @WithDefault("200")
    int rebuildBatch();

    /** The longest range a report may cover. */
    @WithDefault("400d")
    Duration maxRange();
}
