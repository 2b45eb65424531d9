package dev.switchboard.processing;

import dev.switchboard.sessions.SessionAddress;

/** Fired inside the transaction that expires an idle session, so its open conversation can end with it. */
public record SessionExpired(SessionAddress address, long sessionId) {
}
