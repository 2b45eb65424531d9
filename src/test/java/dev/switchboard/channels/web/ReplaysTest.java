package dev.switchboard.channels.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The node's replay budget: a burst after idling, then frames at the configured rate, shared by all replays. */
class ReplaysTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void aBurstGoesAtOnceThenPagesWaitTheirTurn() {
        AtomicLong now = new AtomicLong(1_000_000 * MS);
        Replays replays = new Replays(1, 1000, now::get); // 1 ms a frame, 100 ms of burst
        try {
            assertEquals(0, replays.reserve(100), "the burst");
            assertEquals(0, replays.reserve(50), "due now, where the burst ends");
            assertEquals(50 * MS, replays.reserve(100), "a second replay waits behind the first's frames");
            now.addAndGet(150 * MS);
            assertEquals(0, replays.reserve(100), "its turn has come");
            assertEquals(100 * MS, replays.reserve(100), "and the next one waits behind it");
            now.addAndGet(10_000 * MS);
            assertEquals(0, replays.reserve(100), "after idling, a burst again");
        } finally {
            replays.shutdown();
        }
    }

    @Test
    void zeroMeansNoLimit() {
        Replays replays = new Replays(1, 0, () -> 0L);
        try {
            for (int i = 0; i < 1000; i++) {
                assertEquals(0, replays.reserve(500));
            }
        } finally {
            replays.shutdown();
        }
    }
}
