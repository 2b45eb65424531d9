package dev.switchboard.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Where committed effects are delivered: a few single-thread lanes, a session always on the same
 * one (so its effects go out in seq order). Delivery never runs on the thread that committed them:
 * that is a group-commit writer, and a slow recipient must not hold back every session's commits.
 */
@ApplicationScoped
class DeliveryLanes {
    private static final Logger LOG = Logger.getLogger(DeliveryLanes.class);

    private final ThreadPoolExecutor[] lanes;

    DeliveryLanes(OutboxConfig config, MeterRegistry registry) {
        this.lanes = new ThreadPoolExecutor[config.deliveryLanes()];
        for (int i = 0; i < lanes.length; i++) {
            String name = "outbox-delivery-" + i;
            lanes[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
        }
        Gauge.builder("switchboard.outbox.delivery.queue", this, DeliveryLanes::queued)
                .description("Committed effect batches waiting for a delivery lane").register(registry);
    }

    /** Runs {@code delivery} after every delivery queued before it for the same session. */
    void submit(long sessionId, Runnable delivery) {
        lanes[(int) Math.floorMod(sessionId, (long) lanes.length)].execute(() -> {
            try {
                delivery.run();
            } catch (RuntimeException e) {
                // the effects stay in the table; the sweep or the client's resume delivers them
                LOG.warnf("delivery of session %d effects failed: %s", sessionId, e.getClass().getName());
            }
        });
    }

    private double queued() {
        int n = 0;
        for (ThreadPoolExecutor lane : lanes) {
            n += lane.getQueue().size();
        }
        return n;
    }

    void shutdown(@Observes ShutdownEvent ignored) {
        for (ThreadPoolExecutor lane : lanes) {
            lane.shutdown();
        }
        for (ThreadPoolExecutor lane : lanes) {
            try {
                lane.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
