package dev.switchboard.events;

/**
 * Fired after an inbound event is committed: the session has work to do. It carries the event as
 * stored and the seq of the inbound event before it, so that a worker that processed that one can
 * go on without reading the log.
 */
public record EventAppended(StoredEvent event, long priorInboundSeq) {
    public long sessionId() {
        return event.sessionId();
    }
}
