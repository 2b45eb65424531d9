package dev.switchboard.processing;

import dev.switchboard.events.EventAppended;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
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

    private final SessionProcessor processor;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService retries;
    private final ConcurrentHashMap<Long, Mailbox> mailboxes = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    SessionScheduler(SessionProcessor processor, ProcessingConfig config, MeterRegistry registry) {
        this.processor = processor;
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
    }

    void onAppended(@Observes(during = TransactionPhase.AFTER_SUCCESS) EventAppended appended) {
        signal(appended.sessionId());
    }

    /** Tells the scheduler that a session may have unprocessed events. Cheap; never blocks. */
    public void signal(long sessionId) {
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
        } catch (RuntimeException e) {
            mailboxes.remove(sessionId);
            LOG.warnf(e, "processing session %d failed; retrying in 1 s", sessionId);
            retries.schedule(() -> signal(sessionId), 1, TimeUnit.SECONDS);
        }
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
