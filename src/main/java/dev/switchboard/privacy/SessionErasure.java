package dev.switchboard.privacy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.desk.DeskFeed;
import dev.switchboard.events.EventStore;
import dev.switchboard.events.EventTypes;
import dev.switchboard.events.NewEvent;
import dev.switchboard.ops.ProblemException;
import dev.switchboard.outbox.Outbox;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.sessions.SessionState;
import dev.switchboard.sessions.SessionStore;
import dev.switchboard.sessions.SessionView;
import dev.switchboard.sessions.StaleSessionException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Erases the personal content of a session everywhere it is stored (message texts, replies, state
 * data and snapshots), in one transaction, and records an {@code erased} event without content. The
 * structure stays (seqs, types, timestamps, transitions), so the log still explains what happened.
 */
@ApplicationScoped
public class SessionErasure {
    private static final Logger LOG = Logger.getLogger(SessionErasure.class);

    private final SessionStore sessions;
    private final EventStore events;
    private final Outbox outbox;
    private final DeskFeed deskFeed;
    private final ObjectMapper mapper;
    private final Event<SessionErased> erased;

    SessionErasure(SessionStore sessions, EventStore events, Outbox outbox, DeskFeed deskFeed, ObjectMapper mapper,
            Event<SessionErased> erased) {
        this.erased = erased;
        this.deskFeed = deskFeed;
        this.sessions = sessions;
        this.events = events;
        this.outbox = outbox;
        this.mapper = mapper;
    }

    public void erase(SessionAddress address) {
        SessionView view = sessions.find(address)
                .orElseThrow(() -> ProblemException.notFound("No session '" + address.key() + "'."));
        SessionState state = sessions.load(view.id()).orElseThrow();
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                SessionStore.Committed committed = sessions.commit(state, state.state(), Map.of(),
                        state.processedSeq(), 1, 0);
                int erasedEvents = events.erasePersonalContent(state.id());
                int erasedEffects = outbox.erase(state.id());
                deskFeed.erase(state.id());
                events.appendDerived(state.tenant(), state.id(), committed.firstEventSeq(), List.of(new NewEvent(
                        EventTypes.ERASED, mapper.createObjectNode().put("at", Instant.now().toString())
                                .put("events", erasedEvents).put("effects", erasedEffects))), null);
                erased.fire(new SessionErased(state.id()));
            });
        } catch (StaleSessionException busy) {
            throw new ProblemException(409, "session-busy", "Session busy",
                    "The session is being processed right now; retry the erasure shortly.");
        }
        LOG.infof("erased the personal content of session %d", state.id());
    }
}
