package dev.switchboard.channels.web;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Where replays run (a few threads that read the outbox table for resuming sockets), and the node's
 * budget of replayed frames per second: resuming clients share it, so that one client catching up on
 * 50,000 replies leaves live traffic its share of the cores. A page is charged before it is read;
 * past the budget the replay continues later instead of waiting on a thread.
 */
final class Replays {
    /** How far behind its budget a replay may start (a burst after an idle period). */
    private static final long BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ScheduledExecutorService executor;
    private final long nanosPerFrame;
    private final LongSupplier clock;
    private long nextFree; // guarded by this

    Replays(int threads, int framesPerSecond) {
        this(threads, framesPerSecond, System::nanoTime);
    }

    Replays(int threads, int framesPerSecond, LongSupplier clock) {
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newScheduledThreadPool(threads, r -> {
            Thread t = new Thread(r, "chat-replay-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.nanosPerFrame = framesPerSecond <= 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / framesPerSecond;
        this.clock = clock;
        this.nextFree = clock.getAsLong() - BURST_NANOS;
    }

    void run(Runnable replay) {
        executor.execute(replay);
    }

    void runAfter(Runnable replay, long nanos) {
        executor.schedule(replay, nanos, TimeUnit.NANOSECONDS);
    }

    void shutdown() {
        executor.shutdownNow();
    }

    /** Charges {@code frames} to the budget; how long to wait before sending them (0: now). */
    synchronized long reserve(int frames) {
        if (nanosPerFrame == 0) {
            return 0;
        }
        long now = clock.getAsLong();
        if (nextFree - (now - BURST_NANOS) < 0) {
            nextFree = now - BURST_NANOS;
        }
        long wait = nextFree - now;
        nextFree += frames * nanosPerFrame;
        return Math.max(0, wait);
    }
}
