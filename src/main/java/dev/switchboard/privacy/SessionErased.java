package dev.switchboard.privacy;

/** Fired in the transaction that erased a session's personal content; observers drop their copies after it commits. */
public record SessionErased(long sessionId) {
}
