package dev.switchboard.processing;

import java.util.List;

/**
 * Fired inside the transaction that commits a group of processed inbound events (one per session),
 * so that observers write what follows from them in the same transaction, in one round trip each.
 */
public record ProcessingCommitted(List<EventProcessed> processed) {
}
