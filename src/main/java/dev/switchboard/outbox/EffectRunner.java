package dev.switchboard.outbox;

import dev.switchboard.ops.Backoff;
import dev.switchboard.ops.Traces;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import org.jboss.logging.Logger;

/**
 * Delivers effects. Woken right after the transaction that recorded them commits (no polling on
 * the hot path); a slow sweep claims whatever is still due (a crash between commit and delivery,
 * retries after a failure) with {@code FOR UPDATE SKIP LOCKED}.
 */
@ApplicationScoped
public class EffectRunner {
    private static final Logger LOG = Logger.getLogger(EffectRunner.class);

    private final EffectStore store;
    private final SentMarker sentMarker;
    private final Outbox outbox;
    private final MessageStatuses statuses;
    private final DeliveryLanes lanes;
    private final OutboxConfig config;
    private final Backoff backoff;
    private final MeterRegistry metrics;
    private final Traces traces;
    private final long laneDeadlineNanos;
    /** A session's effects to one channel: the unit whose order delivery keeps. */
    private record Lane(long sessionId, String channel) {
        static Lane of(Effect effect) {
            return new Lane(effect.sessionId(), effect.address().channel());
        }
    }

    /** Lanes with an effect in retry: their newer effects wait for the sweep, to keep order. */
    private final Set<Lane> retrying = ConcurrentHashMap.newKeySet();

    EffectRunner(EffectStore store, SentMarker sentMarker, Outbox outbox, MessageStatuses statuses,
            DeliveryLanes lanes, OutboxConfig config, MeterRegistry metrics, Traces traces) {
        this.traces = traces;
        this.store = store;
        this.statuses = statuses;
        this.lanes = lanes;
        this.sentMarker = sentMarker;
        this.outbox = outbox;
        this.config = config;
        this.backoff = new Backoff(config.initialBackoff(), config.maxBackoff());
        this.laneDeadlineNanos = config.claimLease().toNanos() / 2;
        this.metrics = metrics;
    }

    /**
     * Runs on the committing thread (a group-commit writer, or a caller that wrote its own request):
     * delivers the effects of channels that never wait right here, and hands the others to their lane.
     */
    void onCommitted(@Observes(during = TransactionPhase.AFTER_SUCCESS) EffectsCommitted committed) {
        if (committed.effects().isEmpty()) {
            return;
        }
        long committedAt = System.nanoTime();
        // most commits have one channel; an outside desk's effects ride beside the customer's own
        Map<String, List<Effect>> byChannel = new LinkedHashMap<>(2);
        for (Effect effect : committed.effects()) {
            byChannel.computeIfAbsent(effect.address().channel(), c -> new ArrayList<>(committed.effects().size()))
                    .add(effect);
        }
        byChannel.forEach((channel, effects) -> {
            ChannelDelivery delivery = outbox.channel(channel);
            boolean swept = delivery == null || !delivery.clientResumes();
            Lane lane = new Lane(committed.sessionId(), channel);
            Runnable deliver = () -> {
                if (!retrying.contains(lane)) {
                    long deadline = swept ? committedAt + laneDeadlineNanos : Long.MAX_VALUE;
                    deliverInOrder(effects, deadline, sentMarker::markSent);
                }
            };
            if (delivery != null && delivery.neverWaits()) {
                lanes.runHere(committed.sessionId(), deliver);
            } else {
                lanes.submit(channel, committed.sessionId(), deliver);
            }
        });
    }

    /**
     * Claims and delivers what is due, again at once while a claim comes back full: a backlog (a burst
     * above a channel's send rate, an outage's retries) drained one batch per interval, 40 sends/s with
     * the defaults, and a claim takes only the oldest due effect of each session. Stops after half the
     * claim lease, so that the next tick goes on and the scheduler thread is never held for good.
     */
    @Scheduled(every = "${switchboard.outbox.sweep-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        long started = System.nanoTime();
        while (sweepOnce() == config.sweepBatch() && System.nanoTime() - started < laneDeadlineNanos) {
            metrics.counter("switchboard.outbox.sweep.repeats").increment();
        }
    }

    /**
     * One claim of due effects, delivered lane by lane; returns how many were claimed. What it delivered
     * is marked sent before it returns, not by the background marker: the next claim takes a session's
     * next effect only once the one before it is sent, so a mark still queued would stall the drain.
     */
    private int sweepOnce() {
        List<Effect> claimed = store.claimDue(config.sweepBatch(), config.claimLease());
        List<Long> sent = new ArrayList<>(claimed.size());
        List<Effect> sessionRun = new ArrayList<>();
        for (Effect effect : claimed) {
            if (!sessionRun.isEmpty() && !Lane.of(sessionRun.get(0)).equals(Lane.of(effect))) {
                finishSweepRun(sessionRun, sent);
                sessionRun = new ArrayList<>();
            }
            sessionRun.add(effect);
        }
        if (!sessionRun.isEmpty()) {
            finishSweepRun(sessionRun, sent);
        }
        if (!sent.isEmpty()) {
            store.markSent(sent);
        }
        return claimed.size();
    }

    private void finishSweepRun(List<Effect> run, List<Long> sent) {
        if (deliverInOrder(run, Long.MAX_VALUE, sent::add)) {
            retrying.remove(Lane.of(run.get(0)));
        }
    }

    /**
     * Delivers one session's effects in seq order, stopping at the first failure. True if none failed.
     * A lane stops at {@code deadline} (half the lease of effects the sweep would claim): what is left
     * belongs to the sweep, and the session's later effects wait for it, to keep their order.
     */
    private boolean deliverInOrder(List<Effect> effects, long deadline, LongConsumer sent) {
        for (Effect effect : effects) {
            if (deadline != Long.MAX_VALUE && System.nanoTime() - deadline > 0) {
                retrying.add(Lane.of(effect));
                metrics.counter("switchboard.outbox.lane.expired").increment();
                return false;
            }
            ChannelDelivery delivery = outbox.channel(effect.address().channel());
            if (delivery == null) {
                fail(effect, "no delivery for channel " + effect.address().channel(), "no channel");
                return false;
            }
            Span span = traces.startChildOf(effect.traceParent(), "deliver " + effect.type(), SpanKind.PRODUCER);
            span.setAttribute(Traces.CHANNEL, effect.address().channel());
            span.setAttribute(Traces.SESSION_ID, effect.sessionId());
            span.setAttribute(Traces.EFFECT_SEQ, effect.seq());
            try (Scope ignored = span.makeCurrent()) {
                DeliveryOutcome outcome = delivery.deliver(effect);
                if (outcome == DeliveryOutcome.DELIVERED) {
                    sent.accept(effect.id());
                }
                metrics.counter("switchboard.outbox.deliveries", "channel", effect.address().channel(),
                        "outcome", outcome.name().toLowerCase()).increment();
            } catch (DeliveryRefused refused) {
                span.setStatus(StatusCode.ERROR, refused.code());
                // final: later effects of the session go on
                metrics.counter("switchboard.outbox.deliveries", "channel", effect.address().channel(),
                        "outcome", refused.deadLetter() ? "dead" : "undeliverable").increment();
                LOG.warnf("effect %d (session %d seq %d) refused by its channel: %s", effect.id(), effect.sessionId(),
                        effect.seq(), refused.code());
                statuses.refuse(effect, refused);
            } catch (DeliveryDeferred deferred) {
                retrying.add(Lane.of(effect));
                metrics.counter("switchboard.outbox.deferrals", "channel", effect.address().channel()).increment();
                store.defer(effect.id(), Instant.now().plus(deferred.retryAfter()), deferred.getMessage());
                return false;
            } catch (Exception e) {
                span.setStatus(StatusCode.ERROR, e.getClass().getName());
                fail(effect, e.getMessage() == null ? e.getClass().getName() : e.getMessage(), e.getClass().getName());
                return false;
            } finally {
                span.end();
            }
        }
        return true;
    }

    /** Out of retries: {@code max-attempts} reached, and {@code retry-for} over since the effect was made. */
    private boolean exhausted(int attempts, Instant createdAt, Instant now) {
        return attempts >= config.maxAttempts() && !createdAt.plus(config.retryFor()).isAfter(now);
    }

    /**
     * Records a failed attempt. {@code error} (the channel's own words, which may quote content) is
     * stored for the API; the log gets {@code errorType} only.
     */
    private void fail(Effect effect, String error, String errorType) {
        int attempts = effect.attempts() + 1;
        String channel = effect.address().channel();
        metrics.counter("switchboard.outbox.deliveries", "channel", channel, "outcome", "failed").increment();
        if (exhausted(attempts, effect.createdAt(), Instant.now())) {
            retrying.remove(Lane.of(effect)); // a dead letter holds nothing back
            LOG.warnf("effect %d (session %d seq %d) dead-lettered after %d attempts: %s", effect.id(),
                    effect.sessionId(), effect.seq(), attempts, errorType);
            metrics.counter("switchboard.outbox.dead.letters", "channel", channel).increment();
            store.markFailed(effect.id(), attempts, null, error);
            statuses.fail(effect, "attempts_exhausted", errorType);
        } else {
            retrying.add(Lane.of(effect));
            metrics.counter("switchboard.outbox.retries", "channel", channel).increment();
            store.markFailed(effect.id(), attempts, Instant.now().plus(backoff.after(attempts)), error);
        }
    }
}
