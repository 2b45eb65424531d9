package dev.switchboard.processing;

import java.util.List;

/**
 * A group of processed inbound events (one per session), as the transaction that commits them tells
 * its {@link ProcessingFollower}s.
 */
public record ProcessingCommitted(List<EventProcessed> processed) {
}
