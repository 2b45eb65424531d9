package dev.switchboard.ops;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The node's one Redis subscriber connection, for every {@code switchboard:*} channel (a pattern, so
 * a module can listen at any time), handing each message to the module that listens on its channel,
 * and the node's announcements to the others: each message goes out as {@code node|message}, and a
 * node is never handed back its own. An announcement that only saves another node some latency
 * ({@link #announce}) is not sent while no other node listens: the answer to the last one said so,
 * and no other node has spoken since. One goes out a second to find out, and a node that subscribes
 * says hello on {@link #NODES}, so the others announce to it at once.
 * It renews itself: every {@code renew-interval} it subscribes again after Redis went away, or when
 * an attempt has not completed within {@link #ATTEMPT_TIMEOUT_NANOS} (a connection that never
 * answered). One connection, not one per module: each subscription holds a pooled connection for
 * good, and the pool's few connections are what every command and publish waits for.
 *
 * <p>It subscribes on a connection of its own, whose handler is in place before {@code PSUBSCRIBE}
 * goes out. The Redis data source's subscriber sets its handler only after sending, so a
 * confirmation that came back first was dropped ("No handler waiting for message") and the
 * subscription never completed. Seen as a node that stayed unsubscribed for 20 s after Redis
 * dropped its subscribers.
 */
@ApplicationScoped
public class RedisChannels {
    private static final Logger LOG = Logger.getLogger(RedisChannels.class);
    private static final String PATTERN = "switchboard:*";
    private static final long ATTEMPT_TIMEOUT_NANOS = 3_000_000_000L;
    /** Where a node says hello when it subscribes, so that the others know it listens. */
    public static final String NODES = "switchboard:nodes";
    private static final long ALONE_PROBE_NANOS = 1_000_000_000L;

    private final String node = UUID.randomUUID().toString();
    private final AtomicLong publishFailures = new AtomicLong();
    private volatile boolean publishing = true;
    private final Map<String, Consumer<String>> listeners = new ConcurrentHashMap<>();
    private final List<Runnable> afterSubscribing = new CopyOnWriteArrayList<>();
    private final AtomicBoolean subscribed = new AtomicBoolean();
    /** System.nanoTime when the attempt in flight started; 0 when none is. */
    private final AtomicLong attemptSince = new AtomicLong();
    /** Whether another node heard the last announcement, or has spoken since. */
    private volatile boolean othersListening = true;
    /** System.nanoTime when another node last spoke. */
    private volatile long heardAt = System.nanoTime();
    /** System.nanoTime of the last announcement sent while no other node listened. */
    private final AtomicLong probedAt = new AtomicLong(System.nanoTime() - ALONE_PROBE_NANOS);
    private final Redis redis;
    /** The subscribed connection; null while there is none. */
    private volatile RedisConnection connection;
    /** The connection of the attempt in flight, closed if a later attempt replaces it. */
    private volatile RedisConnection attempting;

    RedisChannels(ReactiveRedisDataSource redis) {
        this.redis = redis.getRedis();
    }

    /**
     * Publishes {@code message} on {@code channel} to the other nodes, whether or not one listens now
     * (a cache invalidation: a node that starts listening a moment later must not miss it); never
     * waits for Redis.
     */
    public void publish(String channel, String message) {
        send(channel, message, () -> { });
    }

    /**
     * Announces {@code message} on {@code channel} to the other nodes, unless none listens: for what a
     * lost message costs only latency (the receiver finds the same in the database later). Never waits
     * for Redis; runs {@code onFailure} when Redis does not take it.
     */
    public void announce(String channel, String message, Runnable onFailure) {
        if (!othersListening && subscribed.get()) {
            long now = System.nanoTime();
            long last = probedAt.get();
            if (now - last < ALONE_PROBE_NANOS || !probedAt.compareAndSet(last, now)) {
                return;
            }
        }
        send(channel, message, onFailure);
    }

    /** {@link #announce(String, String, Runnable)} with nothing to do on failure. */
    public void announce(String channel, String message) {
        announce(channel, message, () -> { });
    }

    /** Whether another node listens, as far as this node knows. */
    public boolean othersListening() {
        return othersListening;
    }

    private void send(String channel, String message, Runnable onFailure) {
        long sentAt = System.nanoTime();
        redis.send(Request.cmd(Command.PUBLISH).arg(channel).arg(node + "|" + message)).subscribe().with(receivers -> {
            publishing = true;
            // Redis counts this node's own subscription among the receivers
            if (receivers != null && receivers.toLong() > (subscribed.get() ? 1 : 0)) {
                othersListening = true;
            } else if (heardAt - sentAt < 0) { // a node that spoke after this was sent may not have listened yet
                othersListening = false;
            }
        }, failure -> {
            publishing = false;
            publishFailures.incrementAndGet();
            onFailure.run();
        });
    }

    /** False when the last announcement failed. */
    public boolean publishing() {
        return publishing;
    }

    public long publishFailures() {
        return publishFailures.get();
    }

    /** Other nodes' messages of {@code channel} (a {@code switchboard:} name) go to {@code listener}, on Redis's event loop. */
    public void listen(String channel, Consumer<String> listener) {
        listeners.put(channel, listener);
    }

    /** Runs after every successful (re)subscription: what was published meanwhile is unknown. */
    public void afterSubscribing(Runnable action) {
        afterSubscribing.add(action);
    }

    public boolean subscribed() {
        return subscribed.get();
    }

    void start(@Observes StartupEvent ignored) {
        renewIfLost();
    }

    void stop(@Observes ShutdownEvent ignored) {
        close(connection);
    }

    /** Subscribes unless subscribed, or an attempt is in flight and young. */
    @Scheduled(every = "${switchboard.cluster.renew-interval:2s}")
    void renewIfLost() {
        if (subscribed.get()) {
            return;
        }
        long now = System.nanoTime();
        long since = attemptSince.get();
        if (since != 0 && now - since < ATTEMPT_TIMEOUT_NANOS) {
            return;
        }
        if (!attemptSince.compareAndSet(since, now)) {
            return;
        }
        RedisConnection stale = attempting;
        if (stale != connection) {
            close(stale); // it never answered: free its pool slot
        }
        redis.connect().subscribe().with(candidate -> {
            attempting = candidate;
            candidate.handler(response -> received(candidate, response));
            candidate.exceptionHandler(failure -> lost(candidate));
            candidate.endHandler(() -> lost(candidate));
            candidate.send(Request.cmd(Command.PSUBSCRIBE).arg(PATTERN)).subscribe().with(ok -> { }, failure -> {
                lost(candidate);
                close(candidate);
            });
        }, failure -> {
            attemptSince.set(0);
            lost(null);
        });
    }

    /** What Redis pushes on the subscribed connection: the confirmation, then the messages. */
    private void received(RedisConnection from, Response push) {
        if (push == null || push.size() == 0) {
            return;
        }
        String kind = push.get(0).toString();
        if ("psubscribe".equalsIgnoreCase(kind)) {
            RedisConnection before = connection;
            connection = from;
            if (before != from) {
                close(before); // a slow attempt that came in late
            }
            subscribed.set(true);
            attemptSince.set(0);
            send(NODES, "hello", () -> { });
            afterSubscribing.forEach(Runnable::run);
        } else if ("pmessage".equalsIgnoreCase(kind) && push.size() == 4 && from == connection) {
            dispatch(push.get(2).toString(), push.get(3).toString());
        }
    }

    private void dispatch(String channel, String message) {
        int from = message.indexOf('|');
        if (from < 0 || message.substring(0, from).equals(node)) {
            return;
        }
        heardAt = System.nanoTime();
        othersListening = true;
        Consumer<String> listener = listeners.get(channel);
        if (listener == null) {
            return;
        }
        try {
            listener.accept(message.substring(from + 1));
        } catch (RuntimeException e) {
            LOG.warnf("a message on %s could not be handled: %s", channel, e.getClass().getName());
        }
    }

    private static void close(RedisConnection connection) {
        if (connection != null) {
            connection.close().subscribe().with(closed -> { }, ignored -> { });
        }
    }

    /** A connection ended or failed: the subscription is gone if it was the subscribed one. */
    private void lost(RedisConnection which) {
        if (which != null && which != connection) {
            return; // an attempt that never subscribed
        }
        connection = null;
        if (subscribed.getAndSet(false)) {
            LOG.warn("lost the Redis subscription; renewing it");
        }
    }
}
