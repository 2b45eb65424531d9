package dev.switchboard.events;

/** Fired after an inbound event is committed: the session has work to do. */
public record EventAppended(long sessionId, long seq) {
}
