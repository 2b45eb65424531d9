package dev.switchboard.events;

/** Where an inbound message landed; {@code duplicate} when its client id had been seen already. */
public record AppendResult(long sessionId, long seq, boolean duplicate) {
}
