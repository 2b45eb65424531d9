package dev.switchboard.outbox;

import java.util.List;

/** Fired after a transaction that recorded effects commits: they can be delivered now. */
public record EffectsCommitted(long sessionId, List<Effect> effects) {
}
