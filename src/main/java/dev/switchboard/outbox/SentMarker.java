package dev.switchboard.outbox;

import dev.switchboard.ops.LoopThread;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Marks delivered effects as sent in batches on one background thread, so the delivery hot path
 * costs no extra transaction per message. A mark lost in a crash is harmless: the effect stays
 * pending and a resuming client receives it again, which its seq lets it drop.
 */
@ApplicationScoped
class SentMarker {
    private static final Logger LOG = Logger.getLogger(SentMarker.class);
    private static final int MAX_BATCH = 500;

    private final EffectStore store;
    private final LinkedBlockingQueue<Long> queue = new LinkedBlockingQueue<>();
    private final LoopThread loop = new LoopThread("outbox-sent-marker");

    SentMarker(EffectStore store) {
        this.store = store;
    }

    void markSent(long effectId) {
        queue.add(effectId);
    }

    void start(@Observes StartupEvent ignored) {
        loop.start(this::run);
    }

    void stop(@Observes ShutdownEvent ignored) {
        loop.stop();
        flush();
    }

    private void run() {
        while (loop.running()) {
            try {
                Long first = queue.poll(1, TimeUnit.SECONDS);
                if (first != null) {
                    List<Long> batch = new ArrayList<>();
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - 1);
                    write(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void flush() {
        List<Long> rest = new ArrayList<>();
        queue.drainTo(rest);
        if (!rest.isEmpty()) {
            write(rest);
        }
    }

    private void write(List<Long> batch) {
        try {
            store.markSent(batch);
        } catch (RuntimeException e) {
            LOG.warnf(e, "could not mark %d effects sent; they stay pending and are replayed on resume", batch.size());
        }
    }
}
