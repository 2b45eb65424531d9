package dev.switchboard.processing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.agent.ConversationState;
import dev.switchboard.events.EventStore;
import dev.switchboard.events.EventTypes;
import dev.switchboard.events.NewEvent;
import dev.switchboard.sessions.CorruptSessionException;
import dev.switchboard.sessions.SessionState;
import dev.switchboard.sessions.SessionStore;
import dev.switchboard.sessions.StaleSessionException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Expires sessions idle for {@code switchboard.sessions.inactivity-timeout}: their state becomes
 * {@code expired} and their data is cleared, through the same versioned commit as processing (a
 * message arriving at the same moment wins; the expiry is retried later). The history stays; the
 * next message starts a fresh conversation.
 */
@ApplicationScoped
public class InactivityExpiry {
    private final Event<SessionExpired> expiredEvent;
    private static final Logger LOG = Logger.getLogger(InactivityExpiry.class);
    private static final int BATCH = 500;
    private static final String EXPIRED = ConversationState.EXPIRED.wireName();

    private final SessionStore sessions;
    private final EventStore events;
    private final ObjectMapper mapper;
    private final Duration timeout;

    InactivityExpiry(SessionStore sessions, EventStore events, ObjectMapper mapper,
            @ConfigProperty(name = "switchboard.sessions.inactivity-timeout", defaultValue = "24h") Duration timeout,
            Event<SessionExpired> expiredEvent) {
        this.expiredEvent = expiredEvent;
        this.sessions = sessions;
        this.events = events;
        this.mapper = mapper;
        this.timeout = timeout;
    }

    @Scheduled(every = "${switchboard.sessions.expiry-interval:1m}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void periodic() {
        expireInactive();
    }

    /** Expires what is due; returns how many sessions were expired. */
    public int expireInactive() {
        int expired = 0;
        List<Long> due;
        do {
            Instant idleBefore = Instant.now().minus(timeout);
            due = sessions.inactiveSince(idleBefore, EXPIRED, BATCH);
            for (long id : due) {
                expired += expire(id, idleBefore) ? 1 : 0;
            }
        } while (due.size() == BATCH);
        if (expired > 0) {
            LOG.infof("expired %d inactive sessions", expired);
        }
        return expired;
    }

    private boolean expire(long id, Instant idleBefore) {
        try {
            SessionState state = sessions.load(id).orElse(null);
            if (state == null) {
                return false;
            }
            return expire(state, idleBefore);
        } catch (StaleSessionException | CorruptSessionException e) {
            LOG.debugf("session %d not expired now: %s", id, e.getMessage());
            return false;
        }
    }

    /**
     * Expires the session loaded as {@code state}, unless anything arrived since: a message appended
     * after the load (processed or not) makes the commit stale and the expiry is skipped.
     */
    boolean expire(SessionState state, Instant idleBefore) {
        long id = state.id();
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                SessionStore.Committed committed = sessions.commitExpiry(state, EXPIRED, idleBefore, 2);
                ObjectNode transition = mapper.createObjectNode().put("from", state.state()).put("to", EXPIRED)
                        .put("event", "inactivity").put("reason", "no activity for " + timeout)
                        .put("at", Instant.now().toString());
                ObjectNode snapshot = mapper.createObjectNode().put("state", EXPIRED).put("version",
                        committed.state().version());
                snapshot.putObject("data");
                events.appendDerived(state.tenant(), id, committed.firstEventSeq(), List.of(
                        new NewEvent(EventTypes.STATE_TRANSITION, transition),
                        new NewEvent(EventTypes.SESSION_EXPIRED, snapshot)), null);
                expiredEvent.fire(new SessionExpired(state.address(), id));
            });
            return true;
        } catch (StaleSessionException | CorruptSessionException e) {
            LOG.debugf("session %d not expired now: %s", id, e.getMessage());
            return false;
        }
    }
}
