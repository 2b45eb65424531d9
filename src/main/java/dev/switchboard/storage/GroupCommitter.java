package dev.switchboard.storage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Group commit: callers queue a unit of work and wait; one writer thread takes everything queued
 * and runs it as ONE transaction ({@code batch}), so a burst across many sessions costs one commit
 * (one WAL flush) instead of one each. A lone request runs at once, without waiting for company.
 * If a batch fails (a conflict, a duplicate, a database error) each of its requests is run again
 * alone ({@code single}), so one request never fails another and each gets its own outcome.
 *
 * <p>With a {@link CallerRuns}, a request that finds nothing queued and no batch being written is
 * written by the calling thread itself, under the same lock as the writer's batches: at low load a
 * commit then costs no hand-off to the writer and back, two thread wake-ups (ADR 0021). The
 * {@code CallerRuns} makes the caller's thread write as the writer's would (the same database scope).
 *
 * <p>Requests are run in {@code lockOrder}. Two group committers that lock the same rows (the
 * appender and the processing committer both update session rows) must use the same order, or
 * their batches deadlock against each other.
 */
public final class GroupCommitter<Q, R> {
    private static final Logger LOG = Logger.getLogger(GroupCommitter.class);
    private static final int MAX_BATCH = 256;

    private record Pending<Q, R>(Q request, CompletableFuture<R> result, long queuedNanos) {
    }

    private final Function<List<Q>, List<R>> batch;
    private final Comparator<Q> lockOrder;
    private final Function<Q, R> single;
    private final LinkedBlockingQueue<Pending<Q, R>> queue = new LinkedBlockingQueue<>();
    private final DistributionSummary batchSizes;
    private final Counter fallbacks;
    private final Timer waits;
    private final Timer commits;
    private final String name;
    private final CallerRuns callerRuns;
    /** Held while a batch is written, by the writer or by a caller that runs its own request. */
    private final ReentrantLock writing = new ReentrantLock();
    private final Thread writer;
    /** System.nanoTime when the writer took the batch it is writing; 0 while it waits for work. */
    private volatile long busySinceNanos;
    /** System.nanoTime when the last batch committed (at first: when the writer started). */
    private volatile long committedNanos = System.nanoTime();

    /**
     * @param batch  runs all requests in one transaction and returns their results in order
     * @param single runs one request in its own transaction
     */
    public GroupCommitter(String name, Function<List<Q>, List<R>> batch, Function<Q, R> single,
            Comparator<Q> lockOrder, MeterRegistry registry) {
        this(name, batch, single, lockOrder, null, registry);
    }

    /** How a caller's thread runs a batch of its own request: as the writer thread runs every batch. */
    @FunctionalInterface
    public interface CallerRuns {
        /** Runs {@code write} on this thread, or returns false without running it: the writer then takes it. */
        boolean run(Runnable write);
    }

    /**
     * @param callerRuns when not null, a request that finds the writer idle is written on the caller's
     *                   thread, inside this
     */
    public GroupCommitter(String name, Function<List<Q>, List<R>> batch, Function<Q, R> single,
            Comparator<Q> lockOrder, CallerRuns callerRuns, MeterRegistry registry) {
        this.callerRuns = callerRuns;
        this.batch = batch;
        this.lockOrder = lockOrder;
        this.single = single;
        this.batchSizes = DistributionSummary.builder("switchboard.group.commit.size").tag("writer", name)
                .description("Requests committed per group-commit transaction").register(registry);
        this.fallbacks = Counter.builder("switchboard.group.commit.fallbacks").tag("writer", name)
                .description("Batches that failed and were re-run one request at a time").register(registry);
        this.waits = Timer.builder("switchboard.group.commit.wait").tag("writer", name)
                .description("Time a request waited in the queue before its batch was taken").register(registry);
        this.commits = Timer.builder("switchboard.group.commit.duration").tag("writer", name)
                .description("Time to write and commit one batch (its fallbacks included)").register(registry);
        Gauge.builder("switchboard.group.commit.queue", queue, LinkedBlockingQueue::size).tag("writer", name)
                .description("Requests waiting for the writer").register(registry);
        this.name = name;
        this.writer = new Thread(this::run, name + "-writer");
        writer.setDaemon(true);
        writer.start();
    }

    public String name() {
        return name;
    }

    /** False once the writer thread has ended: nothing queued here will ever commit. */
    public boolean alive() {
        return writer.isAlive();
    }

    /** Requests queued and not yet taken by the writer. */
    public int waiting() {
        return queue.size();
    }

    /** How long the writer has been writing its current batch, in nanoseconds; 0 while it waits for work. */
    public long busyNanos() {
        long since = busySinceNanos;
        return since == 0 ? 0 : System.nanoTime() - since;
    }

    /** How long ago the last batch committed (or the writer started), in nanoseconds. */
    public long sinceCommitNanos() {
        return System.nanoTime() - committedNanos;
    }

    /** Ends the writer thread as a fault would (tests of the health checks). */
    void halt() {
        writer.interrupt();
    }

    /** Queues the request and waits for the transaction that carries it to commit. */
    public R submit(Q request) {
        if (writing.isHeldByCurrentThread()) {
            // from inside one of this committer's own writes: it would wait for itself for ever
            throw new IllegalStateException("a request submitted to " + name + " from inside its own write");
        }
        Pending<Q, R> pending = new Pending<>(request, new CompletableFuture<>(), System.nanoTime());
        boolean written = false;
        // never ahead of the writer when it has taken queued requests and waits for the lock
        if (callerRuns != null && queue.isEmpty() && !writing.hasQueuedThreads() && writing.tryLock()) {
            try {
                written = callerRuns.run(() -> commit(List.of(pending)));
            } catch (RuntimeException | Error e) {
                pending.result().completeExceptionally(e); // the wrapper failed: commit never ran
                written = true;
            } finally {
                writing.unlock();
            }
        }
        if (!written) {
            queue.add(pending);
        }
        try {
            return pending.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the commit", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Queues the request for the writer and returns at once; the future completes on the thread that
     * committed it (the writer), so what depends on it must be quick and must never block. For a
     * caller that must not wait, such as an event loop: it never writes on the caller's thread.
     */
    public CompletableFuture<R> submitAsync(Q request) {
        Pending<Q, R> pending = new Pending<>(request, new CompletableFuture<>(), System.nanoTime());
        queue.add(pending);
        return pending.result();
    }

    private void run() {
        List<Pending<Q, R>> taken = new ArrayList<>(MAX_BATCH);
        while (true) {
            try {
                taken.add(queue.take());
                writing.lockInterruptibly();
                try {
                    queue.drainTo(taken, MAX_BATCH - 1);
                    commit(taken);
                } finally {
                    writing.unlock();
                }
            } catch (InterruptedException e) {
                taken.forEach(p -> p.result().completeExceptionally(e));
                return;
            } finally {
                taken.clear();
            }
        }
    }

    /** Writes one batch, holding {@link #writing}; every request's future completes, whatever happens. */
    private void commit(List<Pending<Q, R>> taken) {
        try {
            long start = System.nanoTime();
            busySinceNanos = start;
            taken.forEach(p -> waits.record(start - p.queuedNanos(), TimeUnit.NANOSECONDS));
            write(taken);
            long done = System.nanoTime();
            committedNanos = done;
            commits.record(done - start, TimeUnit.NANOSECONDS);
        } catch (RuntimeException | Error e) {
            LOG.error("group commit writer failed", e);
            taken.forEach(p -> p.result().completeExceptionally(e));
        } finally {
            busySinceNanos = 0;
        }
    }

    private void write(List<Pending<Q, R>> taken) {
        batchSizes.record(taken.size());
        if (taken.size() > 1) {
            taken.sort(Comparator.comparing(Pending::request, lockOrder));
            try {
                List<R> results = batch.apply(taken.stream().map(Pending::request).toList());
                for (int i = 0; i < taken.size(); i++) {
                    taken.get(i).result().complete(results.get(i));
                }
                return;
            } catch (RuntimeException e) {
                fallbacks.increment();
                LOG.debugf("batch of %d failed (%s); running them one by one", taken.size(), e.getClass().getName());
            }
        }
        for (Pending<Q, R> p : taken) {
            try {
                p.result().complete(single.apply(p.request()));
            } catch (RuntimeException e) {
                p.result().completeExceptionally(e);
            }
        }
    }
}
