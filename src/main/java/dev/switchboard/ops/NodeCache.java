package dev.switchboard.ops;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A lookup every request makes, kept on this node for {@code ttl}: cleared by {@link Invalidations}
 * whenever any node changes what it holds, bypassed while this node could miss such a change.
 */
public final class NodeCache<K, V> {
    private record Entry<V>(V value, long expiresAtNanos) {
    }

    private final String name;
    private final long ttlNanos;
    private final int maxEntries;
    private final Invalidations invalidations;
    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    /** Counts clears: a value loaded across one may be the old row, and is not kept. */
    private final AtomicLong clears = new AtomicLong();

    NodeCache(String name, Duration ttl, int maxEntries, Invalidations invalidations) {
        this.name = name;
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.invalidations = invalidations;
    }

    /** The cached value, or {@code load}'s, which is kept when {@code keep} says so. */
    public V get(K key, Supplier<V> load, Predicate<V> keep) {
        if (!invalidations.live()) {
            return load.get();
        }
        long now = System.nanoTime();
        Entry<V> hit = entries.get(key);
        if (hit != null && now - hit.expiresAtNanos() < 0) {
            return hit.value();
        }
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        long clearsBefore = clears.get();
        V loaded = load.get();
        if (keep.test(loaded) && clears.get() == clearsBefore) {
            entries.put(key, new Entry<>(loaded, now + ttlNanos));
        }
        return loaded;
    }

    public V get(K key, Supplier<V> load) {
        return get(key, load, value -> true);
    }

    /** Forgets everything here now and after the caller's transaction, and on every other node. */
    public void invalidateEverywhere() {
        invalidations.announce(name, "");
    }

    void clear() {
        clears.incrementAndGet();
        entries.clear();
    }
}
