package dev.switchboard.processing;

import dev.switchboard.events.StoredEvent;
import dev.switchboard.sessions.SessionAddress;

/**
 * The processing of one inbound event, as {@link ProcessingCommitted} tells it: the event, the state before and after, the effect seq
 * of what was said ({@code null} when the reply was silent), the seq of the outcome's
 * {@code assistant_message} event and what was said.
 */
public record EventProcessed(SessionAddress address, long sessionId, StoredEvent event, String stateBefore,
        String stateAfter, Long replyEffectSeq, long outcomeSeq, String replyText) {
}
