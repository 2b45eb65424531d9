package dev.switchboard.ops;

import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * A Redis channel subscription that renews itself: {@link #renewIfLost()} (called periodically)
 * subscribes again after Redis went away, or when an attempt has not completed within
 * {@link #ATTEMPT_TIMEOUT_NANOS} (a connection that never answered).
 */
public final class RedisSubscription {
    private static final Logger LOG = Logger.getLogger(RedisSubscription.class);
    private static final long ATTEMPT_TIMEOUT_NANOS = 10_000_000_000L;

    private final ReactivePubSubCommands<String> pubsub;
    private final String channel;
    private final Consumer<String> onMessage;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    /** System.nanoTime when the attempt in flight started; 0 when none is. */
    private final AtomicLong attemptSince = new AtomicLong();
    private volatile ReactivePubSubCommands.ReactiveRedisSubscriber subscriber;

    public RedisSubscription(ReactivePubSubCommands<String> pubsub, String channel, Consumer<String> onMessage) {
        this.pubsub = pubsub;
        this.channel = channel;
        this.onMessage = onMessage;
    }

    public boolean subscribed() {
        return subscribed.get();
    }

    /** Subscribes unless subscribed, or an attempt is in flight and young. */
    public void renewIfLost() {
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
        pubsub.subscribe(channel, onMessage, this::lost, failure -> lost())
                .subscribe().with(s -> {
                    subscriber = s;
                    subscribed.set(true);
                    attemptSince.set(0);
                }, failure -> {
                    attemptSince.set(0);
                    lost();
                });
    }

    private void lost() {
        if (subscribed.getAndSet(false)) {
            LOG.warnf("lost the Redis subscription to %s; renewing it", channel);
        }
    }

    public void stop() {
        ReactivePubSubCommands.ReactiveRedisSubscriber current = subscriber;
        if (current != null) {
            current.unsubscribe().subscribe().with(ok -> {
            }, failure -> {
            });
        }
    }
}
