package dev.switchboard.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Where committed effects of channels that may wait are delivered: for each channel a few single-thread
 * lanes, a session always on the same one (so its effects go out in seq order). Such a delivery never
 * runs on the thread that committed them: that thread holds a group commit's lock, and a slow recipient
 * must not hold back every session's commits. Channels have lanes of their own, so a slow outside API
 * (WhatsApp's timeouts) never holds back another channel. A channel that never waits (web chat's
 * bounded send queues) has no lanes: its effects are queued on the committing thread (ADR 0026).
 */
@ApplicationScoped
class DeliveryLanes {
    private static final Logger LOG = Logger.getLogger(DeliveryLanes.class);

    private final int lanesPerChannel;
    private final ConcurrentHashMap<String, ThreadPoolExecutor[]> channels = new ConcurrentHashMap<>();

    DeliveryLanes(OutboxConfig config, MeterRegistry registry) {
        this.lanesPerChannel = config.deliveryLanes();
        Gauge.builder("switchboard.outbox.delivery.queue", this, DeliveryLanes::queued)
                .description("Committed effect batches waiting for a delivery lane").register(registry);
    }

    /** Runs {@code delivery} after every delivery queued before it for the same session. */
    void submit(String channel, long sessionId, Runnable delivery) {
        ThreadPoolExecutor[] lanes = channels.computeIfAbsent(channel, this::start);
        lanes[(int) Math.floorMod(sessionId, (long) lanes.length)].execute(() -> runHere(sessionId, delivery));
    }

    /** Runs {@code delivery} on this thread (a channel that never waits); what it throws stays here, as on a lane. */
    void runHere(long sessionId, Runnable delivery) {
        try {
            delivery.run();
        } catch (RuntimeException e) {
            // the effects stay in the table; the sweep or the client's resume delivers them
            LOG.warnf("delivery of session %d effects failed: %s", sessionId, e.getClass().getName());
        }
    }

    private ThreadPoolExecutor[] start(String channel) {
        ThreadPoolExecutor[] lanes = new ThreadPoolExecutor[lanesPerChannel];
        for (int i = 0; i < lanes.length; i++) {
            String name = "outbox-" + channel + "-" + i;
            lanes[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
        }
        return lanes;
    }

    private double queued() {
        int n = 0;
        for (ThreadPoolExecutor[] lanes : channels.values()) {
            for (ThreadPoolExecutor lane : lanes) {
                n += lane.getQueue().size();
            }
        }
        return n;
    }

    void shutdown(@Observes ShutdownEvent ignored) {
        channels.values().forEach(lanes -> {
            for (ThreadPoolExecutor lane : lanes) {
                lane.shutdown();
            }
        });
        for (ThreadPoolExecutor[] lanes : channels.values()) {
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
}
