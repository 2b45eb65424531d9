package dev.switchboard.cluster;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Several nodes over one database (issue 15, ADR 0017): sessions in partitions, each leased by one node. */
@ConfigMapping(prefix = "switchboard.cluster")
public interface ClusterConfig {
    /** Sessions map to this many partitions (session id modulo it); fixed for a deployment. */
    @WithDefault("128")
    int partitions();

    /** A lease not renewed for this long can be taken over by another node. */
    @WithDefault("10s")
    Duration leaseTtl();

    /** How often a node renews its leases, takes free ones and gives away those above its share. */
    @WithDefault("2s")
    Duration renewInterval();
}
