package dev.switchboard.processing;

import dev.switchboard.cluster.LeaseLost;
import dev.switchboard.cluster.Leases;
import dev.switchboard.cluster.WorkAnnounced;
import dev.switchboard.events.EventAppended;
import dev.switchboard.ops.Backoff;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The in-process queue: one mailbox per session with work, run on a bounded worker pool. A
 * session is on at most one worker at a time (its events are processed in order); different
 * sessions run in parallel. A mailbox holds no events, only the fact that the session has work:
 * the log in PostgreSQL is the queue, so a lost signal loses nothing (the sweep finds it).
 */
@ApplicationScoped
public class SessionScheduler {
    private static final Logger LOG = Logger.getLogger(SessionScheduler.class);

    /** Present in the map while the session is queued or running; dirty when signalled meanwhile. */
    private static final class Mailbox {
        boolean dirty;
    }

    /** The event a session failed on, how often, and when it may be tried again. */
    private record Failure(long seq, int attempts, int counted, long retryAtNanos) {
    }

    private final SessionProcessor processor;
    private final Quarantine quarantine;
    private final ProcessingConfig config;
    private final Backoff backoff;
    /** Sessions whose last run failed; they are not run again before their backoff is over. */
    private final ConcurrentHashMap<Long, Failure> failures = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor workers;
    private final Leases leases;
    private final ScheduledExecutorService retries;
    private final ConcurrentHashMap<Long, Mailbox> mailboxes = new ConcurrentHashMap<>();
    private volatile boolean running = true;
    private final Counter fenced;

    SessionScheduler(SessionProcessor processor, Quarantine quarantine, ProcessingConfig config,
            MeterRegistry registry, Leases leases) {
        this.leases = leases;
        this.processor = processor;
        this.quarantine = quarantine;
        this.config = config;
        this.backoff = new Backoff(config.retryInitialBackoff(), config.retryMaxBackoff());
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(config.workers(), config.workers(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "session-worker-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "session-retry");
            t.setDaemon(true);
            return t;
        });
        Gauge.builder("switchboard.processing.queue.depth", mailboxes, ConcurrentHashMap::size)
                .description("Sessions queued or being processed").register(registry);
        Gauge.builder("switchboard.processing.workers.busy", workers, ThreadPoolExecutor::getActiveCount)
                .description("Session workers processing right now (saturated at switchboard.processing.workers)")
                .register(registry);
        Gauge.builder("switchboard.processing.workers.waiting", workers, w -> w.getQueue().size())
                .description("Sessions scheduled and waiting for a free worker").register(registry);
        this.fenced = Counter.builder("switchboard.processing.fenced")
                .description("Processing commits refused because this node no longer held the partition")
                .register(registry);
    }

    void onAppended(@Observes(during = TransactionPhase.AFTER_SUCCESS) EventAppended appended) {
        processor.onAppended(appended);
        signal(appended.sessionId());
    }

    /** Another node stored work for a partition this node owns. */
    void onWorkAnnounced(@Observes WorkAnnounced announced) {
        signal(announced.sessionId());
    }

    void onQuarantineEnded(@Observes(during = TransactionPhase.AFTER_SUCCESS) Quarantine.Ended ended) {
        failures.remove(ended.sessionId());
        signal(ended.sessionId());
    }

    /**
     * Tells the scheduler that a session may have unprocessed events. Cheap; never blocks. A session
     * waiting out the backoff after a failure is left alone: its retry is already scheduled.
     */
    public void signal(long sessionId) {
        if (!leases.owns(sessionId)) {
            return; // another node's partition: its owner processes it
        }
        Failure failure = failures.get(sessionId);
        if (failure != null && failure.retryAtNanos() - System.nanoTime() > 0) {
            return;
        }
        enqueue(sessionId);
    }

    private void enqueue(long sessionId) {
        if (!running) {
            return;
        }
        boolean[] created = {false};
        mailboxes.compute(sessionId, (id, mailbox) -> {
            if (mailbox == null) {
                created[0] = true;
                return new Mailbox();
            }
            mailbox.dirty = true;
            return mailbox;
        });
        if (created[0]) {
            workers.execute(() -> run(sessionId));
        }
    }

    private void run(long sessionId) {
        try {
            while (running) {
                processor.drain(sessionId);
                failures.remove(sessionId);
                boolean again = mailboxes.compute(sessionId, (id, mailbox) -> {
                    if (mailbox.dirty) {
                        mailbox.dirty = false;
                        return mailbox;
                    }
                    return null;
                }) != null;
                if (!again) {
                    return;
                }
            }
            mailboxes.remove(sessionId);
        } catch (Throwable t) {
            // an Error too. The failure (and its backoff) is recorded before the mailbox goes, so that
            // no signal in between runs the session early, and the retry is scheduled after it goes,
            // so that the retry cannot land on the old mailbox and be lost; the mailbox goes in any
            // case, or the session is never run again on this node
            Duration retryIn = null;
            try {
                retryIn = failed(sessionId, t);
            } catch (Throwable during) {
                LOG.errorf("session %d: handling its failure failed too (%s); the sweep will find it", sessionId,
                        during.getClass().getName());
            } finally {
                mailboxes.remove(sessionId);
            }
            if (retryIn != null) {
                retries.schedule(() -> enqueue(sessionId), retryIn.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (t instanceof VirtualMachineError fatal) {
                throw fatal;
            }
        }
    }

    /**
     * Records a failure and returns when to retry, with exponential backoff; the same event failing
     * {@code max-attempts} times (outages of the database aside) is quarantined instead (null).
     */
    private Duration failed(long sessionId, Throwable t) {
        EventFailed event = t instanceof EventFailed e ? e : null;
        Throwable cause = event != null ? event.getCause() : t;
        if (cause instanceof LeaseLost) {
            fenced.increment();
            failures.remove(sessionId); // not a failure: the partition's new owner processes the event
            return null;
        }
        boolean counts = event != null && !FailureKind.isOutage(cause);
        long seq = event != null ? event.seq() : -1;
        Failure before = failures.get(sessionId);
        boolean same = before != null && before.seq() == seq;
        int attempts = same ? before.attempts() + 1 : 1;
        int counted = (same ? before.counted() : 0) + (counts ? 1 : 0);
        if (counts && counted >= config.maxAttempts()) {
            failures.remove(sessionId);
            quarantine.quarantine(sessionId, event.tenant(), seq, counted, cause);
            return null;
        }
        Duration delay = backoff.after(attempts);
        failures.put(sessionId, new Failure(seq, attempts, counted, System.nanoTime() + delay.toNanos()));
        LOG.warnf("processing session %d failed at event %d (attempt %d, %s%s); retrying in %d ms", sessionId, seq,
                attempts, cause.getClass().getName(), counts ? "" : ", an outage: not counted", delay.toMillis());
        return delay;
    }


    /** Stops taking work: signals are ignored until {@link #start()}; in-flight events finish. */
    public void stop() {
        running = false;
    }

    /** Resumes taking work. Whatever was missed meanwhile is found by the recovery sweep. */
    public void start() {
        running = true;
    }

    public boolean isRunning() {
        return running && !workers.isShutdown();
    }

    /** Sessions queued or being processed right now. */
    public int activeSessions() {
        return mailboxes.size();
    }

    void shutdown(@Observes ShutdownEvent ignored) {
        running = false;
        workers.shutdown();
        retries.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
