package dev.switchboard.ops;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
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
 * node is never handed back its own.
 * It renews itself: every {@code renew-interval} it subscribes again after Redis went away, or when
 * an attempt has not completed within {@link #ATTEMPT_TIMEOUT_NANOS} (a connection that never
 * answered). One connection, not one per module: each subscription holds a pooled connection for
 * good, and the pool's few connections are what every command and publish waits for.
 */
@ApplicationScoped
public class RedisChannels {
    private static final Logger LOG = Logger.getLogger(RedisChannels.class);
    private static final String PATTERN = "switchboard:*";
    private static final long ATTEMPT_TIMEOUT_NANOS = 3_000_000_000L;

    private final String node = UUID.randomUUID().toString();
    private final ReactivePubSubCommands<String> pubsub;
    private final AtomicLong publishFailures = new AtomicLong();
    private volatile boolean publishing = true;
    private final Map<String, Consumer<String>> listeners = new ConcurrentHashMap<>();
    private final List<Runnable> afterSubscribing = new CopyOnWriteArrayList<>();
    private final AtomicBoolean subscribed = new AtomicBoolean();
    /** System.nanoTime when the attempt in flight started; 0 when none is. */
    private final AtomicLong attemptSince = new AtomicLong();
    private volatile ReactivePubSubCommands.ReactiveRedisSubscriber subscriber;

    RedisChannels(ReactiveRedisDataSource redis) {
        this.pubsub = redis.pubsub(String.class);
    }

    /** Announces {@code message} on {@code channel} to the other nodes; never waits for Redis. */
    public void publish(String channel, String message) {
        publish(channel, message, () -> { });
    }

    /** {@link #publish(String, String)}, running {@code onFailure} when Redis does not take it. */
    public void publish(String channel, String message, Runnable onFailure) {
        pubsub.publish(channel, node + "|" + message).subscribe().with(ok -> publishing = true, failure -> {
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
        ReactivePubSubCommands.ReactiveRedisSubscriber current = subscriber;
        if (current != null) {
            current.unsubscribe().subscribe().with(ok -> { }, failure -> { });
        }
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
        pubsub.subscribeToPattern(PATTERN, this::dispatch, this::lost, failure -> lost())
                .subscribe().with(s -> {
                    subscriber = s;
                    subscribed.set(true);
                    attemptSince.set(0);
                    afterSubscribing.forEach(Runnable::run);
                }, failure -> {
                    attemptSince.set(0);
                    lost();
                });
    }

    private void dispatch(String channel, String message) {
        Consumer<String> listener = listeners.get(channel);
        int from = message.indexOf('|');
        if (listener == null || from < 0 || message.substring(0, from).equals(node)) {
            return;
        }
        try {
            listener.accept(message.substring(from + 1));
        } catch (RuntimeException e) {
            LOG.warnf("a message on %s could not be handled: %s", channel, e.getClass().getName());
        }
    }

    private void lost() {
        if (subscribed.getAndSet(false)) {
            LOG.warn("lost the Redis subscription; renewing it");
        }
    }
}
