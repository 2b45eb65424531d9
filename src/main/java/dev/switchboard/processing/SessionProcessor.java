package dev.switchboard.processing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.agent.Agent;
import dev.switchboard.agent.AgentCall;
import dev.switchboard.agent.AgentInput;
import dev.switchboard.agent.AgentReply;
import dev.switchboard.agent.ConversationState;
import dev.switchboard.agent.StateChange;
import dev.switchboard.cluster.Leases;
import dev.switchboard.events.EventAppended;
import dev.switchboard.events.EventStore;
import dev.switchboard.events.EventTypes;
import dev.switchboard.events.InboundFields;
import dev.switchboard.events.NewEvent;
import dev.switchboard.events.StoredEvent;
import dev.switchboard.ops.CorrelationId;
import dev.switchboard.ops.Traces;
import dev.switchboard.outbox.Effect;
import dev.switchboard.outbox.NewEffect;
import dev.switchboard.outbox.Outbox;
import dev.switchboard.outbox.SessionEffects;
import dev.switchboard.privacy.SessionErased;
import dev.switchboard.sessions.CorruptSessionException;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.sessions.SessionState;
import dev.switchboard.sessions.SessionStatus;
import dev.switchboard.sessions.SessionStore;
import dev.switchboard.sessions.StaleSessionException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import dev.switchboard.statemachine.TransitionRejected;
import dev.switchboard.storage.CommitWriters;
import dev.switchboard.storage.GroupCommitter;
import dev.switchboard.storage.Pipeline;
import dev.switchboard.tenants.DatabaseScope;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.event.TransactionPhase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Turns one inbound event into the session's new state, its effects and derived events, written in
 * ONE transaction together with the processing cursor. A crash before that commit re-runs the
 * event; after it, the cursor says it is done. The optimistic version check makes a concurrent or
 * repeated run of the same event fail instead of writing twice.
 */
// created at startup: its group-commit writer is on the liveness check before the first request
@Startup
@ApplicationScoped
public class SessionProcessor {
    private static final Logger LOG = Logger.getLogger(SessionProcessor.class);
    static final String FALLBACK_TEXT = "Sorry, something went wrong on our side. Please try again in a moment.";

    private final SessionStore sessions;
    private final EventStore events;
    private final Outbox outbox;
    private final Agent agent;
    private final ObjectMapper mapper;
    private final ProcessingConfig config;
    private final Timer processingTimer;
    private final Counter conflicts;
    private final Counter agentFailures;
    private final Timer agentCalls;
    private final Traces traces;
    private final Leases leases;
    private final List<ExternalDesk> externalDesks;
    private final Counter checksumMismatches;
    private final GroupCommitter<Outcome, SessionState> committer;
    private final List<ProcessingFollower> followers;
    private final DataSource dataSource;
    private final WarmSessions warm;

    SessionProcessor(SessionStore sessions, EventStore events, Outbox outbox, Agent agent, ObjectMapper mapper,
            ProcessingConfig config, MeterRegistry registry, Instance<ProcessingFollower> followers,
            CommitWriters writers, Traces traces, Instance<ExternalDesk> externalDesks, Leases leases,
            DataSource dataSource) {
        this.leases = leases;
        this.traces = traces;
        this.externalDesks = externalDesks.stream().toList();
        this.followers = followers.stream().toList();
        this.dataSource = dataSource;
        this.warm = new WarmSessions(config.warmSessions());
        this.sessions = sessions;
        this.events = events;
        this.outbox = outbox;
        this.agent = agent;
        this.mapper = mapper;
        this.config = config;
        this.processingTimer = Timer.builder("switchboard.processing.latency")
                .description("Time from an inbound event's commit to the commit of its outcome")
                .publishPercentileHistogram().register(registry);
        this.conflicts = Counter.builder("switchboard.sessions.conflicts")
                .description("State writes rejected by optimistic locking").register(registry);
        this.agentFailures = Counter.builder("switchboard.agent.failures")
                .description("Agent calls that threw; answered with the fallback reply").register(registry);
        this.agentCalls = Timer.builder("switchboard.agent.call").publishPercentileHistogram()
                .description("Time the agent took to answer one inbound message (an LLM call included)")
                .register(registry);
        this.committer = writers.register(new GroupCommitter<>("processing-committer", this::writeAll, this::writeOne,
                Comparator.comparing((Outcome o) -> o.prior().address(), SessionAddress.LOCK_ORDER),
                DatabaseScope::asGroupCommit, registry));
        this.checksumMismatches = Counter.builder("switchboard.sessions.checksum.mismatches")
                .description("Sessions whose stored state failed checksum verification").register(registry);
    }

    /** How long ago processing last committed (or this node started): its progress, for liveness. */
    public Duration sinceLastCommit() {
        return Duration.ofNanos(committer.sinceCommitNanos());
    }

    /** Processes the session's unprocessed inbound events, in seq order, until it has caught up. */
    public void drain(long sessionId) {
        SessionState state = warm.state(sessionId);
        while (true) {
            Work work;
            List<StoredEvent> handed = state == null ? List.of()
                    : warm.next(sessionId, state.processedSeq(), config.batchSize());
            if (!handed.isEmpty()) {
                work = new Work(state, handed);
            } else {
                try {
                    work = nextWork(sessionId, state);
                } catch (CorruptSessionException e) {
                    quarantine(e);
                    return;
                }
            }
            if (work == null) {
                return;
            }
            state = work.state();
            try {
                for (StoredEvent event : work.events()) {
                    if (!leases.owns(sessionId)) {
                        return; // the partition went to another node: its owner calls the agent, not this one
                    }
                    state = processOrFail(state, event);
                    warm.committed(state);
                }
            } catch (StaleSessionException e) {
                conflicts.increment();
                LOG.debugf("session %d changed under us; reloading", sessionId);
                warm.forget(sessionId);
                state = null;
            }
            if (state != null && state.caughtUp()) {
                return;
            }
        }
    }

    /** An inbound event committed: it is handed to the session's worker in memory. */
    void onAppended(EventAppended appended) {
        warm.appended(appended);
    }

    /** The expiry changed the session's row: its next event is read from the log. */
    void onExpired(@Observes(during = TransactionPhase.AFTER_SUCCESS) SessionExpired expired) {
        warm.forget(expired.sessionId());
    }

    /** The erasure emptied the session's data: no copy of what it held stays in memory here. */
    void onErased(@Observes(during = TransactionPhase.AFTER_SUCCESS) SessionErased erased) {
        warm.forget(erased.sessionId());
    }

    private record Work(SessionState state, List<StoredEvent> events) {
    }

    /**
     * The state to process with (loaded and verified unless this worker already holds the version
     * it committed last) and the next inbound events, read in one transaction; null when there is
     * nothing to do.
     */
    private Work nextWork(long sessionId, SessionState known) {
        return QuarkusTransaction.requiringNew().call(() -> {
            SessionState state = known;
            if (state == null) {
                Optional<SessionState> loaded = sessions.load(sessionId);
                if (loaded.isEmpty() || loaded.get().status() != SessionStatus.ACTIVE || loaded.get().caughtUp()) {
                    return null;
                }
                state = loaded.get();
            }
            List<StoredEvent> batch = events.inboundAfter(sessionId, state.processedSeq(), config.batchSize());
            return batch.isEmpty() ? null : new Work(state, batch);
        });
    }

    /**
     * Processes one event; anything it throws (an Error included) names the event, but a stale write
     * and a fault of the JVM itself (out of memory, an internal error), which no event is to blame for.
     * A stack overflow is the event's: some input recursed too deep, the stack has unwound, and
     * retrying it for ever would never pass, so it counts towards the event's quarantine.
     */
    private SessionState processOrFail(SessionState state, StoredEvent event) {
        try {
            return process(state, event);
        } catch (StaleSessionException e) {
            throw e;
        } catch (VirtualMachineError e) {
            if (!(e instanceof StackOverflowError)) {
                throw e;
            }
            throw new EventFailed(state.id(), state.tenant(), event.seq(), e);
        } catch (Throwable t) {
            throw new EventFailed(state.id(), state.tenant(), event.seq(), t);
        }
    }

    /** Processes one event in a span that continues the trace which stored it. */
    private SessionState process(SessionState state, StoredEvent event) {
        if (event.correlationId() != null) {
            MDC.put(CorrelationId.MDC_KEY, event.correlationId());
        }
        Span span = traces.startChildOf(event.traceParent(), "process " + event.type(), SpanKind.INTERNAL);
        span.setAttribute(Traces.SESSION_ID, state.id());
        span.setAttribute(Traces.EVENT_SEQ, event.seq());
        try (Scope ignored = span.makeCurrent()) {
            return processTraced(state, event);
        } catch (RuntimeException | Error e) {
            span.setStatus(StatusCode.ERROR, e.getClass().getName()); // never the message: it may quote content
            throw e;
        } finally {
            span.end();
            MDC.remove(CorrelationId.MDC_KEY);
        }
    }

    private SessionState processTraced(SessionState state, StoredEvent event) {
        String text = event.payload().path("text").asText("");
        List<NewEvent> derived = new ArrayList<>(4);
        AgentReply reply;
        try {
            if (EventTypes.AGENT_MESSAGE.equals(event.type()) || EventTypes.CONVERSATION_RESOLVED.equals(event.type())) {
                reply = desk(state, event);
            } else {
            // content the channel delivered but nobody can read here is its own kind of input to the agent
            String inputType = event.payload().path(InboundFields.UNSUPPORTED).asBoolean(false)
                    ? AgentInput.UNREADABLE : event.type();
            long started = System.nanoTime();
            Span call = traces.startChild("agent " + inputType);
            try (Scope ignored = call.makeCurrent()) {
                reply = agent.respond(new AgentInput(state.address(), state.id(), state.state(), state.data(),
                        event.seq(), inputType, text));
            } catch (RuntimeException e) {
                call.setStatus(StatusCode.ERROR, e.getClass().getName());
                throw e;
            } finally {
                call.end();
                agentCalls.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            }
            }
            if (reply == null || reply.nextState() == null || reply.nextState().isBlank() || reply.data() == null
                    || reply.transitions() == null || reply.calls() == null) {
                throw new IllegalStateException("agent returned an incomplete reply");
            }
        } catch (RuntimeException e) {
            agentFailures.increment();
            LOG.warnf("agent failed on session %d event %d: %s", state.id(), event.seq(), e.getClass().getName());
            derived.add(new NewEvent(EventTypes.ERROR, mapper.createObjectNode()
                    .put("code", e instanceof TransitionRejected ? "transition_rejected" : "agent_failed")
                    // a rejected transition names states and events only; other messages may carry user text
                    .put("message", e instanceof TransitionRejected ? e.getMessage() : e.getClass().getSimpleName())
                    .put("replyTo", event.seq())));
            reply = new AgentReply(FALLBACK_TEXT, state.state(), state.data(), "fallback:agent_failed");
        }

        List<NewEffect> effects = new ArrayList<>(3);
        // a channel that names its messages (a WhatsApp wamid) is told this one has been read, before the reply
        String externalId = event.payload().path(InboundFields.EXTERNAL_ID).asText(null);
        if (externalId != null) {
            effects.add(new NewEffect(Effect.READ_RECEIPT, mapper.createObjectNode().put(InboundFields.EXTERNAL_ID, externalId)));
        }
        int replyIndex = effects.size();
        ObjectNode author = EventTypes.AGENT_MESSAGE.equals(event.type()) ? mapper.createObjectNode()
                .put("kind", "agent").put("id", event.payload().path("agentId").asText())
                .put("name", event.payload().path("agentName").asText()) : null;
        if (!reply.silent()) {
            ObjectNode message = mapper.createObjectNode().put("text", reply.text());
            if (author != null) {
                message.set("from", author);
            }
            effects.add(new NewEffect(Effect.MESSAGE, message));
        }
        List<StateChange> changes = reply.transitions();
        if (changes.isEmpty() && !reply.nextState().equals(state.state())) {
            changes = List.of(new StateChange(state.state(), reply.nextState(), "reply", reply.reason(), Instant.now()));
        }
        for (StateChange change : changes) {
            derived.add(new NewEvent(EventTypes.STATE_TRANSITION, mapper.createObjectNode()
                    .put("from", change.from())
                    .put("to", change.to())
                    .put("event", change.event())
                    .put("trigger", event.seq())
                    .put("reason", change.reason())
                    .put("at", change.at().toString())));
        }
        if (!reply.nextState().equals(state.state())) {
            effects.add(new NewEffect(Effect.STATE, mapper.createObjectNode().put("state", reply.nextState())));
        }
        for (ExternalDesk desk : externalDesks) {
            effects.addAll(desk.effects(new ExternalDesk.Turn(state, event, reply.nextState(), reply.data())));
        }
        for (AgentCall call : reply.calls()) {
            derived.add(new NewEvent(EventTypes.AGENT_CALL, mapper.valueToTree(call)));
        }
        // the outcome of processing: what was said (nothing, when silent) and the state it left, so that
        // replaying the log rebuilds the session's state at any seq without running the agent again
        ObjectNode assistant = mapper.createObjectNode().put("text", reply.text()).put("replyTo", event.seq());
        assistant.put("state", reply.nextState());
        assistant.set("data", mapper.valueToTree(reply.data()));
        assistant.put("version", state.version() + 1);
        if (author != null) {
            assistant.set("author", author);
        }
        derived.add(new NewEvent(EventTypes.ASSISTANT_MESSAGE, assistant));

        SessionState next = committer.submit(new Outcome(state, event, reply, derived, assistant, effects,
                reply.silent() ? -1 : replyIndex, Traces.currentParent()));
        processingTimer.record(Duration.between(event.createdAt(), Instant.now()));
        return next;
    }

    /**
     * A person's action, not the bot's turn: an agent's message is said as it is and keeps the bot
     * silent (the conversation is in {@code handoff} from now on); a resolution resets the bot.
     */
    private AgentReply desk(SessionState state, StoredEvent event) {
        if (EventTypes.CONVERSATION_RESOLVED.equals(event.type())) {
            return new AgentReply(null, SessionStore.INITIAL_STATE, Map.of(), "resolved by an agent");
        }
        Map<String, Object> data = new HashMap<>(state.data());
        data.put("handoff", true);
        return new AgentReply(event.payload().path("text").asText(), ConversationState.HANDOFF.wireName(), data,
                "agent reply");
    }

    /** Everything processing one event writes, committed together by {@link #write(List)}. */
    private record Outcome(SessionState prior, StoredEvent event, AgentReply reply, List<NewEvent> derived,
            ObjectNode assistant, List<NewEffect> effects, int replyIndex, String traceParent) {
    }

    private List<SessionState> writeAll(List<Outcome> outcomes) {
        return QuarkusTransaction.requiringNew().call(() -> write(outcomes));
    }

    private SessionState writeOne(Outcome outcome) {
        return QuarkusTransaction.requiringNew().call(() -> write(List.of(outcome)).get(0));
    }

    /**
     * State, cursor, derived events and effects of each outcome (of different sessions), in the
     * transaction the caller began for them and two round trips for all of them: first the fence, the
     * sessions' rows and what the followers read under their locks; then the derived events, the
     * effects, what the followers write and the transaction's commit.
     */
    private List<SessionState> write(List<Outcome> outcomes) {
        Pipeline first = new Pipeline();
        // commits nothing unless this node still holds these sessions' partitions at its epoch
        leases.fenceIn(first, outcomes.stream().map(o -> o.prior().id()).toList());
        Supplier<List<SessionStore.Committed>> commits = sessions.commitIn(first, outcomes.stream()
                .map(o -> new SessionStore.Commit(o.prior(), o.reply().nextState(), o.reply().data(), o.event().seq(),
                        o.derived().size(), o.effects().size()))
                .toList());
        Map<Long, SessionAddress> addresses = new LinkedHashMap<>();
        outcomes.forEach(o -> addresses.put(o.prior().id(), o.prior().address()));
        List<ProcessingFollower.Followup> followups = followers.stream().map(f -> f.read(addresses, first)).toList();
        first.run(dataSource);
        List<SessionStore.Committed> committed = commits.get();

        List<EventStore.Derived> derived = new ArrayList<>(outcomes.size());
        List<SessionEffects> effects = new ArrayList<>(outcomes.size());
        List<EventProcessed> processedEvents = new ArrayList<>(outcomes.size());
        List<SessionState> next = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            SessionStore.Committed c = committed.get(i);
            SessionState state = o.prior();
            Long replyEffectSeq = o.replyIndex() >= 0 ? c.firstEffectSeq() + o.replyIndex() : null;
            if (replyEffectSeq != null) {
                o.assistant().put("effectSeq", replyEffectSeq);
            }
            derived.add(new EventStore.Derived(state.tenant(), state.id(), c.firstEventSeq(), o.derived(),
                    o.event().correlationId()));
            effects.add(new SessionEffects(state.address(), state.id(), c.firstEffectSeq(), o.event().seq(),
                    o.effects(), o.traceParent()));
            processedEvents.add(new EventProcessed(state.address(), state.id(), o.event(), state.state(),
                    o.reply().nextState(), replyEffectSeq, c.firstEventSeq() + o.derived().size() - 1,
                    o.reply().text()));
            next.add(c.state());
        }
        Pipeline second = new Pipeline();
        events.appendDerivedIn(second, derived);
        outbox.recordIn(second, effects);
        ProcessingCommitted processed = new ProcessingCommitted(processedEvents);
        followups.forEach(f -> f.follow(processed, second));
        second.runAndCommit(dataSource);
        return next;
    }

    /** A session whose state fails verification is stopped and the failure recorded in its log, once. */
    private void quarantine(CorruptSessionException e) {
        boolean stopped = QuarkusTransaction.requiringNew().call(() -> {
            if (!sessions.markCorrupt(e.sessionId())) {
                return false;
            }
            events.appendRecord(e.tenant(), e.sessionId(), new NewEvent(EventTypes.ERROR, mapper.createObjectNode()
                    .put("code", "checksum_mismatch")
                    .put("message", "stored session state does not match its checksum; processing stopped")), null);
            return true;
        });
        if (stopped) {
            checksumMismatches.increment();
            LOG.errorf("session %d: %s; processing stopped", e.sessionId(), e.getMessage());
        }
    }
}
