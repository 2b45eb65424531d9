package dev.switchboard.ops;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Synchronization;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells every node that something cached changed ({@code switchboard:invalidate}, the cache's name
 * and an optional key, never a value): each node's {@link NodeCache} of that name forgets its
 * entries, and observers of {@link Invalidated} act (a deactivated agent's sockets close on every
 * node). While the subscription is down a node cannot hear of changes, so its caches are bypassed
 * and every lookup goes to the database: slower, never stale, never failed. After it resubscribes,
 * every cache starts empty, since what was missed is unknown.
 */
@ApplicationScoped
@Startup // listens on Redis from the start, whether or not anything here has been used yet
public class Invalidations {
    static final String CHANNEL = "switchboard:invalidate";

    /** A change another node (or this one) announced: {@code key} may be empty (the whole cache). */
    public record Invalidated(String cache, String key) {
    }

    private final RedisChannels channels;
    private final TransactionSynchronizationRegistry transactions;
    private final Event<Invalidated> invalidated;
    private final Map<String, NodeCache<?, ?>> caches = new ConcurrentHashMap<>();

    Invalidations(RedisChannels channels, TransactionSynchronizationRegistry transactions,
            Event<Invalidated> invalidated) {
        this.channels = channels;
        this.transactions = transactions;
        this.invalidated = invalidated;
        channels.listen(CHANNEL, this::onAnnouncement);
        channels.afterSubscribing(() -> caches.values().forEach(NodeCache::clear));
    }

    /** A cache of this node that forgets what any node announces under {@code name}. */
    public <K, V> NodeCache<K, V> cache(String name, Duration ttl, int maxEntries) {
        NodeCache<K, V> cache = new NodeCache<>(name, ttl, maxEntries, this);
        caches.put(name, cache);
        return cache;
    }

    /** True while this node hears every other node's announcements: only then may it cache. */
    public boolean live() {
        return channels.subscribed();
    }

    /**
     * Announces a change of {@code cache} (an entry, or all of it when {@code key} is empty): here at
     * once and again after the caller's transaction commits (a reader meanwhile may have cached the
     * old row), on the other nodes after that commit.
     */
    public void announce(String cache, String key) {
        apply(cache, key);
        Runnable afterCommit = () -> {
            apply(cache, key);
            channels.publish(CHANNEL, cache + "|" + key);
        };
        if (transactions.getTransactionKey() == null) {
            afterCommit.run();
            return;
        }
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    afterCommit.run();
                }
            }
        });
    }

    private void apply(String cache, String key) {
        NodeCache<?, ?> local = caches.get(cache);
        if (local != null) {
            local.clear();
        }
        invalidated.fire(new Invalidated(cache, key));
    }

    private void onAnnouncement(String announcement) {
        String[] parts = announcement.split("\\|", 2);
        if (parts.length == 2) {
            apply(parts[0], parts[1]);
        }
    }
}
