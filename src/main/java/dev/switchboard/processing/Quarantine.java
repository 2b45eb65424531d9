package dev.switchboard.processing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.events.EventStore;
import dev.switchboard.events.EventTypes;
import dev.switchboard.events.NewEvent;
import dev.switchboard.sessions.SessionStore;
import dev.switchboard.sessions.SessionView;
import dev.switchboard.tenants.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Stops a session at an inbound event that keeps failing, so that it is not retried (and its agent
 * called) for ever, and lets an operator retry or skip that event. Both are recorded in the log.
 */
@ApplicationScoped
public class Quarantine {
    private static final Logger LOG = Logger.getLogger(Quarantine.class);

    /** Fired when an operator ended a quarantine; the scheduler picks the session up after the commit. */
    public record Ended(long sessionId) {
    }

    /** What an operator can do with a quarantined event. */
    public enum Action {
        /** process the event again (its cause was fixed) */
        RETRY,
        /** mark it processed without running it; the session goes on with the next one */
        SKIP
    }

    private final SessionStore sessions;
    private final EventStore events;
    private final ObjectMapper mapper;
    private final Event<Ended> ended;
    private final Counter quarantined;

    Quarantine(SessionStore sessions, EventStore events, ObjectMapper mapper, Event<Ended> ended,
            MeterRegistry registry) {
        this.sessions = sessions;
        this.events = events;
        this.mapper = mapper;
        this.ended = ended;
        this.quarantined = Counter.builder("switchboard.processing.quarantined")
                .description("Inbound events whose processing kept failing; their sessions wait for an operator")
                .register(registry);
    }

    /** Quarantines the session at {@code seq}, with an {@code error} event that names the failure's type only. */
    void quarantine(long sessionId, TenantId tenant, long seq, int attempts, Throwable cause) {
        boolean done = QuarkusTransaction.requiringNew().call(() -> {
            if (!sessions.quarantine(sessionId, seq)) {
                return false;
            }
            events.appendRecord(tenant, sessionId, new NewEvent(EventTypes.ERROR, mapper.createObjectNode()
                    .put("code", "processing_failed")
                    .put("message", "processing kept failing; the session waits for an operator to retry or skip")
                    .put("seq", seq)
                    .put("attempts", attempts)
                    .put("cause", cause.getClass().getName())), null);
            return true;
        });
        if (done) {
            quarantined.increment();
            LOG.errorf("session %d: event %d failed %d times (%s); quarantined", sessionId, seq, attempts,
                    cause.getClass().getName());
        }
    }

    /**
     * Ends the quarantine of {@code session} in the caller's transaction; returns the quarantined
     * seq, or empty when the session is not quarantined.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Long> end(SessionView session, TenantId tenant, Action action, String correlationId) {
        Optional<Long> seq = sessions.endQuarantine(session.id(), action == Action.SKIP);
        seq.ifPresent(s -> {
            events.appendRecord(tenant, session.id(), new NewEvent(EventTypes.QUARANTINE_ENDED,
                    mapper.createObjectNode().put("seq", s).put("action", action.name().toLowerCase())), correlationId);
            ended.fire(new Ended(session.id()));
        });
        return seq;
    }
}
