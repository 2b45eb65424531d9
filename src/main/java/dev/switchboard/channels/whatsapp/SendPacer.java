package dev.switchboard.channels.whatsapp;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Spaces the sends of each phone number to its configured rate (messages per second), so a burst of
 * replies never trips Meta's throughput limit. Each send takes the next free slot of its number and
 * waits for it; numbers do not wait for each other. Local to this node.
 */
final class SendPacer {
    private final ConcurrentHashMap<String, AtomicLong> nextSlot = new ConcurrentHashMap<>();

    void await(String phoneNumberId, int perSecond) {
        long interval = TimeUnit.SECONDS.toNanos(1) / Math.max(1, perSecond);
        AtomicLong next = nextSlot.computeIfAbsent(phoneNumberId, id -> new AtomicLong(System.nanoTime()));
        long slot;
        while (true) {
            long now = System.nanoTime();
            long current = next.get();
            slot = Math.max(now, current);
            if (next.compareAndSet(current, slot + interval)) {
                break;
            }
        }
        long wait = slot - System.nanoTime();
        while (wait > 0) {
            LockSupport.parkNanos(wait);
            wait = slot - System.nanoTime();
        }
    }
}
