package dev.switchboard.processing;

import dev.switchboard.events.StoredEvent;
import dev.switchboard.outbox.NewEffect;
import dev.switchboard.sessions.SessionState;
import java.util.List;
import java.util.Map;

/**
 * A desk outside Switchboard (Genesys Cloud) that handed-off conversations go to. Asked for every
 * processed event, it answers with the effects that carry the event there; they are recorded with
 * the outcome, in its transaction, and delivered through the outbox like any reply. None for a
 * tenant whose desk is the built-in one.
 */
public interface ExternalDesk {
    /** One processed event: the session as it was, the event, and the bot's state after it. */
    record Turn(SessionState prior, StoredEvent event, String stateAfter, Map<String, Object> dataAfter) {
    }

    List<NewEffect> effects(Turn turn);
}
