package dev.switchboard.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A request that finds the writer idle is written on its caller's thread, inside the caller-runs
 * wrapper; requests that arrive while a batch is written are queued and batched by the writer.
 */
class GroupCommitterCallerRunsTest {
    private record Write(String request, String thread, boolean wrapped, List<String> batch) {
    }

    private final List<Write> writes = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Boolean> insideWrapper = ThreadLocal.withInitial(() -> false);
    private final AtomicInteger wrapped = new AtomicInteger();
    private volatile CountDownLatch blockFirst = new CountDownLatch(0);
    private volatile boolean decline;

    private GroupCommitter<String, String> committer() {
        return new GroupCommitter<String, String>("caller-runs-test", batch -> {
            batch.forEach(r -> writes.add(new Write(r, Thread.currentThread().getName(), insideWrapper.get(), batch)));
            return batch.stream().map(r -> "done " + r).toList();
        }, one -> {
            if (one.equals("first")) {
                try {
                    blockFirst.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            writes.add(new Write(one, Thread.currentThread().getName(), insideWrapper.get(), List.of(one)));
            return "done " + one;
        }, Comparator.<String>naturalOrder(), write -> {
            if (decline) {
                return false;
            }
            wrapped.incrementAndGet();
            insideWrapper.set(true);
            try {
                write.run();
                return true;
            } finally {
                insideWrapper.set(false);
            }
        }, new SimpleMeterRegistry());
    }

    @Test
    void aLoneRequestIsWrittenOnItsCallersThreadInsideTheWrapper() {
        GroupCommitter<String, String> committer = committer();
        assertEquals("done one", committer.submit("one"));
        assertEquals(1, writes.size());
        assertEquals(Thread.currentThread().getName(), writes.get(0).thread());
        assertTrue(writes.get(0).wrapped(), "written inside the caller-runs wrapper");
    }

    @Test
    void aRequestTheWrapperDeclinesIsWrittenByTheWriter() {
        GroupCommitter<String, String> committer = committer();
        decline = true;
        assertEquals("done one", committer.submit("one"));
        assertEquals("caller-runs-test-writer", writes.get(0).thread());
        assertEquals(0, wrapped.get());
    }

    @Test
    void aRequestFromInsideItsCommittersOwnWriteIsRefusedNotLeftWaitingForItself() {
        GroupCommitter<String, String>[] self = new GroupCommitter[1];
        self[0] = new GroupCommitter<String, String>("caller-runs-nested", batch -> batch,
                one -> one.equals("outer") ? self[0].submit("inner") : one, Comparator.<String>naturalOrder(),
                write -> {
                    write.run();
                    return true;
                }, new SimpleMeterRegistry());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> self[0].submit("outer"));
        assertTrue(e.getMessage().contains("from inside its own write"), e.getMessage());
    }

    @Test
    void aWrapperThatFailsFailsItsRequestInsteadOfLeavingItWaiting() {
        GroupCommitter<String, String> committer = new GroupCommitter<String, String>("caller-runs-failing",
                batch -> batch, one -> one, Comparator.<String>naturalOrder(), write -> {
                    throw new IllegalStateException("no scope today");
                }, new SimpleMeterRegistry());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> committer.submit("one"));
        assertEquals("no scope today", e.getMessage());
        // the lock was let go: the next request takes the caller's path again (held, it would be queued
        // and written by the writer, without the wrapper, and succeed)
        assertThrows(IllegalStateException.class, () -> committer.submit("two"));
    }

    @Test
    void requestsArrivingWhileABatchIsWrittenAreQueuedAndBatchedByTheWriter() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try {
            queuedWhileBusy(committer(), callers);
        } finally {
            callers.shutdownNow();
        }
    }

    private void queuedWhileBusy(GroupCommitter<String, String> committer, ExecutorService callers) throws Exception {
        blockFirst = new CountDownLatch(1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> committer.submit("first"), callers);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (committer.busyNanos() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // until the first caller writes, holding the writer's lock
        }
        assertTrue(committer.busyNanos() > 0, "the first caller is writing");
        List<CompletableFuture<String>> later = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String request = "later-" + i;
            later.add(CompletableFuture.supplyAsync(() -> committer.submit(request), callers));
        }
        // the writer takes the first queued request, then waits for the lock: four stay in the queue
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (committer.waiting() < 4 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        blockFirst.countDown();
        assertEquals("done first", first.get(10, TimeUnit.SECONDS));
        for (int i = 0; i < 5; i++) {
            assertEquals("done later-" + i, later.get(i).get(10, TimeUnit.SECONDS));
        }
        List<Write> queued = writes.stream().filter(w -> w.request().startsWith("later-")).toList();
        assertEquals(5, queued.size());
        for (Write w : queued) {
            assertEquals("caller-runs-test-writer", w.thread(), "queued requests are the writer's");
            assertEquals(5, w.batch().size(), "and written as one batch");
        }
        assertNotEquals("caller-runs-test-writer", writes.get(0).thread());
        assertEquals(1, wrapped.get(), "only the caller's own write ran in the wrapper");
    }
}
