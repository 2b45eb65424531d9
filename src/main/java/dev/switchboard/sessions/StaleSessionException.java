package dev.switchboard.sessions;

/** A state write lost the optimistic-locking race: someone else committed a newer version first. */
public class StaleSessionException extends RuntimeException {
    public StaleSessionException(long sessionId, long expectedVersion) {
        super("session " + sessionId + " is no longer at version " + expectedVersion);
    }
}
