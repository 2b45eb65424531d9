package dev.switchboard.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** What one benchmark run measures: latencies and replies inside the measured window, and every error. */
final class Run {
    private static final int KEPT_ERRORS = 20;

    /** Client message ids are unique per run, so a run on a session with history is not deduplicated. */
    private final String idPrefix = "r" + Long.toString(System.nanoTime() & 0xffffffL, 36) + "-";
    private final LatencyRecorder accepted = new LatencyRecorder();
    private final LatencyRecorder reply = new LatencyRecorder();
    private final AtomicLong measuredReplies = new AtomicLong();
    private final AtomicLong errorCount = new AtomicLong();
    private final List<String> errors = new ArrayList<>();
    private volatile long measureFromNanos;
    private volatile long measureUntilNanos = Long.MAX_VALUE;

    void window(long fromNanos, long untilNanos) {
        this.measureFromNanos = fromNanos;
        this.measureUntilNanos = untilNanos;
    }

    boolean measuring(long startNanos) {
        return startNanos >= measureFromNanos && startNanos < measureUntilNanos;
    }

    String idPrefix() {
        return idPrefix;
    }

    LatencyRecorder accepted() {
        return accepted;
    }

    LatencyRecorder reply() {
        return reply;
    }

    void countReply() {
        measuredReplies.incrementAndGet();
    }

    long measuredReplies() {
        return measuredReplies.get();
    }

    void error(String message) {
        errorCount.incrementAndGet();
        synchronized (errors) {
            if (errors.size() < KEPT_ERRORS) {
                errors.add(message);
            }
        }
    }

    long errorCount() {
        return errorCount.get();
    }

    List<String> errors() {
        synchronized (errors) {
            return new ArrayList<>(errors);
        }
    }
}
