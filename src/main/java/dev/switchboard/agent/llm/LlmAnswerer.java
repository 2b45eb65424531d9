package dev.switchboard.agent.llm;

import dev.switchboard.agent.AgentCall;
import dev.switchboard.agent.AgentInput;
import dev.switchboard.agent.TokenSink;
import dev.switchboard.events.EventStore;
import dev.switchboard.events.EventTypes;
import dev.switchboard.events.MessageText;
import dev.switchboard.events.StoredEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Asks the model for an answer: builds the prompt from the session's recent messages (a bounded
 * window, never the whole history) and state, streams tokens to the session's sockets, and turns
 * every failure into a fallback with its reason, so the caller can answer with the classifier.
 */
@ApplicationScoped
public class LlmAnswerer {
    private static final Logger LOG = Logger.getLogger(LlmAnswerer.class);

    /** The model's answer, or {@code text == null} when the caller must fall back; always the call's record. */
    public record Answer(String text, AgentCall call) {
    }

    private final LlmClient client;
    private final LlmConfig config;
    private final EventStore events;
    private final Instance<TokenSink> sinks;
    private final MeterRegistry metrics;
    private final AtomicReference<CircuitBreakerState> breaker = new AtomicReference<>(CircuitBreakerState.CLOSED);

    LlmAnswerer(LlmClient client, LlmConfig config, EventStore events, Instance<TokenSink> sinks,
            MeterRegistry metrics) {
        this.client = client;
        this.config = config;
        this.events = events;
        this.sinks = sinks;
        this.metrics = metrics;
        Gauge.builder("switchboard.agent.llm.breaker.open", breaker, b -> b.get() == CircuitBreakerState.OPEN ? 1 : 0)
                .description("1 while the LLM circuit breaker is open (answers come from the classifier)")
                .register(metrics);
    }

    void watchBreaker(@Observes StartupEvent ignored) {
        if (!client.enabled()) {
            return;
        }
        CircuitBreakerMaintenance.get().onStateChange(LlmClient.BREAKER, state -> {
            CircuitBreakerState before = breaker.getAndSet(state);
            LOG.warnf("LLM circuit breaker %s -> %s", before, state);
        });
    }

    public boolean enabled() {
        return client.enabled();
    }

    public CircuitBreakerState breakerState() {
        return breaker.get();
    }

    public Answer answer(AgentInput input) {
        long started = System.nanoTime();
        StreamProgress progress = new StreamProgress(
                token -> sinks.forEach(sink -> sink.token(input.address(), input.seq(), token)), config.totalTimeout());
        try {
            LlmCompletion completion = client.stream(prompt(input), progress);
            metrics.counter("switchboard.agent.llm.calls", "outcome", "answered").increment();
            record(started, "answered");
            // a model cannot be told "no": what PostgreSQL cannot store would fail the processing commit
            // (and with it a group of other sessions' turns), so it is replaced, as for WhatsApp texts
            return new Answer(MessageText.storable(completion.text()), new AgentCall(client.model(), millisSince(started),
                    completion.promptTokens(), completion.completionTokens(), completion.streamedTokens(), false, null));
        } catch (Exception e) {
            String reason = progress.timedOut() ? "timeout" : reason(e);
            metrics.counter("switchboard.agent.llm.calls", "outcome", "fallback", "reason", reason.split(":")[0])
                    .increment();
            record(started, "fallback");
            LOG.infof("LLM fallback on session %d event %d: %s", input.sessionId(), input.seq(), reason);
            return new Answer(null, new AgentCall(client.model(), millisSince(started), 0, 0, progress.streamed(), true,
                    reason));
        }
    }

    private void record(long startedNanos, String outcome) {
        Timer.builder("switchboard.agent.llm.call").tag("outcome", outcome).publishPercentileHistogram()
                .description("Time of one LLM call, streamed answer included").register(metrics)
                .record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    private List<Map<String, String>> prompt(AgentInput input) {
        List<Map<String, String>> messages = new ArrayList<>();
        Object slots = input.data().get("slots");
        messages.add(Map.of("role", "system", "content", config.systemPrompt() + "\nConversation state: "
                + input.state() + (slots == null ? "" : ". Details collected so far: " + slots)));
        for (StoredEvent e : events.recentMessages(input.sessionId(), input.seq(), config.historyWindow())) {
            String text = e.payload().path("text").asText(null);
            if (text != null && !e.payload().path("text").isNull()) {
                messages.add(Map.of("role", EventTypes.USER_MESSAGE.equals(e.type()) ? "user" : "assistant",
                        "content", text));
            }
        }
        messages.add(Map.of("role", "user", "content", input.text()));
        return messages;
    }

    private static String reason(Exception e) {
        if (e instanceof TimeoutException) {
            return "timeout";
        }
        if (e instanceof CircuitBreakerOpenException) {
            return "circuit_open";
        }
        if (e instanceof BulkheadException) {
            return "bulkhead_full";
        }
        if (e instanceof LlmStreamBroken) {
            return "stream_broken: " + e.getMessage();
        }
        if (e instanceof LlmCallFailed) {
            return "call_failed: " + e.getMessage();
        }
        return "error: " + e.getClass().getName();
    }

    private static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
