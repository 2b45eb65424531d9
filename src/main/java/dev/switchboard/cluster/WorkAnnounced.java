package dev.switchboard.cluster;

/** Another node stored an inbound event of a session whose partition this node owns. */
public record WorkAnnounced(long sessionId) {
}
