package dev.switchboard.cluster;

import java.util.Set;

/** This node took these partitions (at start, or over from a node that stopped renewing): their backlog is its now. */
public record PartitionsAcquired(Set<Integer> partitions) {
}
