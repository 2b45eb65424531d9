package dev.switchboard.channels.web;

import dev.switchboard.outbox.Effect;
import dev.switchboard.outbox.Outbox;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.sessions.SessionStore;
import dev.switchboard.sessions.SessionView;
import dev.switchboard.tenants.DatabaseScope;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import java.util.ArrayDeque;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One open chat socket. It remembers the highest reply seq it has sent ({@code sentUpTo}): live
 * effects at or below it are dropped, and a gap (an effect it never saw, a resume, the start) is
 * filled from the outbox table by a replay, so the client sees every effect after its resume point
 * exactly once and in seq order.
 *
 * <p>Nothing here blocks the thread that offers an effect, the one that committed it (ADR 0026): the
 * monitor is held only to decide and to hand frames to the socket, never across a database read. A
 * replay reads the table on its own executor, page by page, and pauses while the client has more
 * than a page of frames unwritten. A client that falls more than {@code max-pending-frames} behind
 * live traffic, or makes no progress for {@code slow-client-timeout}, is closed with
 * {@link #TOO_SLOW}; it resumes with {@code ?afterSeq} when it is back, and nothing durable is lost.
 */
final class ChatConnection {
    private static final Logger LOG = Logger.getLogger(ChatConnection.class);
    /** Close code for a client that does not read its frames fast enough (application range 4000-4999). */
    static final int TOO_SLOW = 4008;
    static final String TOO_SLOW_REASON = "too slow: reconnect with ?afterSeq=<last seq received>";

    private final WebSocketConnection socket;
    private final SessionAddress address;
    private final ServerFrames frames;
    private final Outbox outbox;
    private final SessionStore sessions;
    private final String correlationId;
    private final Replays replays;
    private final ConnectionRegistry.SocketCounters counters;
    private final int maxPendingFrames;
    private final int page;
    private final AtomicInteger pendingWrites = new AtomicInteger();
    private final AtomicBoolean paused = new AtomicBoolean();
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile long sessionId = -1;

    // guarded by this
    private long sentUpTo;
    /** True while a replay owns sending (from construction until the first catch-up is done). */
    private boolean replaying = true;
    /** A live effect arrived while replaying: the replay must read once more before it ends. */
    private boolean offeredDuringReplay;
    /** Appends whose {@code accepted} frame is not written yet; replies wait behind it. */
    private int acksInFlight;
    private final ArrayDeque<Effect> heldBack = new ArrayDeque<>();
    private boolean closing;
    /** When this socket's last typing signal was passed on (System.nanoTime); at most one per {@link #TYPING_EVERY_NANOS}. */
    private long typingAtNanos;
    private boolean typedOnce;
    private static final long TYPING_EVERY_NANOS = 2_000_000_000L;

    ChatConnection(WebSocketConnection socket, SessionAddress address, ServerFrames frames, Outbox outbox,
            SessionStore sessions, String correlationId, Replays replays, ConnectionRegistry.SocketCounters counters,
            WebChatConfig config) {
        this.counters = counters;
        this.socket = socket;
        this.address = address;
        this.frames = frames;
        this.outbox = outbox;
        this.sessions = sessions;
        this.correlationId = correlationId;
        this.replays = replays;
        this.maxPendingFrames = config.maxPendingFrames();
        this.page = Math.max(1, Math.min(500, maxPendingFrames / 4));
    }

    SessionAddress address() {
        return address;
    }

    String id() {
        return socket.id();
    }

    /** Ties the events this connection appends together: from the upgrade's headers, else generated. */
    String correlationId() {
        return correlationId;
    }

    /**
     * Starts delivery: after {@code afterSeq} when given and possible, else after whatever the session
     * has produced so far. Call once, after the connection is registered (so no live effect is missed).
     *
     * @return false when {@code afterSeq} is beyond the session's last reply seq (delivery then starts live)
     */
    boolean open(Long afterSeq) {
        OptionalLong latest = latestEffectSeq();
        boolean possible = afterSeq == null || afterSeq <= latest.orElse(0);
        synchronized (this) {
            sentUpTo = afterSeq != null && possible ? afterSeq : latest.orElse(0);
            if (afterSeq != null && possible || offeredDuringReplay) {
                scheduleReplay();
            } else {
                replaying = false;
            }
        }
        return possible;
    }

    /**
     * Sends every effect after {@code afterSeq}, then continues live; false (and nothing changes)
     * when {@code afterSeq} is beyond the session's last reply seq: such a seq was never sent, and
     * accepting it would silently drop every reply up to it.
     */
    boolean resume(long afterSeq) {
        if (afterSeq > latestEffectSeq().orElse(0)) {
            return false;
        }
        synchronized (this) {
            sentUpTo = afterSeq;
            heldBack.clear(); // the replay sends them again, from the table
            if (replaying) {
                offeredDuringReplay = true;
            } else {
                scheduleReplay();
            }
        }
        return true;
    }

    /** A live effect of this connection's session (from the thread that committed it). Never blocks. */
    synchronized void offer(Effect effect) {
        sessionId = effect.sessionId();
        if (closing) {
            return;
        }
        if (replaying) {
            offeredDuringReplay = true;
            return;
        }
        if (effect.seq() <= sentUpTo) {
            return;
        }
        if (effect.seq() > sentUpTo + 1) {
            scheduleReplay();
            return;
        }
        deliver(effect);
    }

    /** The session's id once known (-1 before). */
    long sessionId() {
        return sessionId;
    }

    /** The newest reply of the session is {@code latestSeq}: replays what this socket lacks (no announcement came). */
    synchronized void catchUpTo(long latestSeq) {
        if (!closing && !replaying && latestSeq > sentUpTo) {
            scheduleReplay();
        }
    }

    synchronized void sendFrame(String frame) {
        write(frame);
    }

    /**
     * Runs an append (outside the monitor) and sends its acknowledgement frame before any reply that
     * arrives meanwhile, so the {@code accepted} frame always precedes the replies the append causes.
     */
    void acknowledge(Supplier<String> appendThenFrame) {
        synchronized (this) {
            acksInFlight++;
        }
        String frame = null;
        try {
            frame = appendThenFrame.get();
        } finally {
            acknowledged(frame);
        }
    }

    /**
     * {@link #acknowledge} for an append that completes later, on another thread: the returned stage
     * completes (as the append's did) once the frame is handed to the socket, and the replies held
     * back meanwhile after it.
     */
    CompletionStage<Void> acknowledgeLater(Supplier<CompletionStage<String>> appendThenFrame) {
        synchronized (this) {
            acksInFlight++;
        }
        CompletionStage<String> frame;
        try {
            frame = appendThenFrame.get();
        } catch (RuntimeException | Error e) {
            acknowledged(null);
            throw e;
        }
        return frame.whenComplete((written, failure) -> acknowledged(written)).thenApply(written -> null);
    }

    /** An append in flight ended: its frame (none when it failed) goes out, then what waited behind it. */
    private synchronized void acknowledged(String frame) {
        if (frame != null) {
            write(frame);
        }
        if (--acksInFlight == 0) {
            while (!heldBack.isEmpty()) {
                emit(heldBack.poll());
            }
        }
    }

    /** Whether a typing signal of this client is passed on now: at most one every two seconds, whatever it sends. */
    synchronized boolean typingDue() {
        long now = System.nanoTime();
        if (typedOnce && now - typingAtNanos < TYPING_EVERY_NANOS) {
            return false;
        }
        typedOnce = true;
        typingAtNanos = now;
        return true;
    }

    /** Confirms an effect seq on behalf of the client; false if that seq does not exist. */
    boolean ack(long seq) {
        long id = resolveSessionId();
        if (id < 0 || !sessions.recordAck(id, seq)) {
            return false;
        }
        outbox.readUpTo(address, id, seq);
        return true;
    }

    /** The socket closed: a replay in progress stops at its next page. */
    synchronized void closed() {
        closing = true;
    }

    /** Closes the connection if it made no progress for {@code timeoutNanos} while frames wait for it. */
    void closeIfStalled(long nowNanos, long timeoutNanos) {
        boolean waiting = pendingWrites.get() > 0 || paused.get();
        if (waiting && nowNanos - lastProgressNanos > timeoutNanos) {
            synchronized (this) {
                tooSlow();
            }
        }
    }

    private OptionalLong latestEffectSeq() {
        return sessions.find(address).map(s -> {
            sessionId = s.id();
            return OptionalLong.of(s.effectSeq());
        }).orElse(OptionalLong.empty());
    }

    private void deliver(Effect effect) {
        sentUpTo = effect.seq();
        if (acksInFlight > 0) {
            heldBack.add(effect);
        } else {
            emit(effect);
        }
    }

    private void emit(Effect effect) {
        if (write(frames.effect(effect))) {
            outbox.delivered(effect);
        }
    }

    private void scheduleReplay() {
        replaying = true;
        offeredDuringReplay = false;
        runReplay();
    }

    /** Runs (or, after a pause, continues) the replay on the replay executor, as the session's tenant. */
    private void runReplay() {
        replays.run(() -> replayAsTenant(false));
    }

    private void replayAsTenant(boolean pageReserved) {
        DatabaseScope.asTenant(address.tenant(), () -> replay(pageReserved));
    }

    /** Reads the table after {@code sentUpTo} until caught up; pauses (returns) while the client is behind. */
    private void replay(boolean pageReserved) {
        try {
            for (boolean reserved = pageReserved;; reserved = false) {
                long from;
                synchronized (this) {
                    if (closing || !socket.isOpen()) {
                        closing = true;
                        return;
                    }
                    // frames held behind an accepted frame count too: they are written the moment it is
                    if (pendingWrites.get() + heldBack.size() > maxPendingFrames - 2 * page) {
                        paused.set(true); // resumed by written() once the client has read enough
                        if (pendingWrites.get() + heldBack.size() > maxPendingFrames / 4
                                || !paused.compareAndSet(true, false)) {
                            return;
                        }
                    }
                    from = sentUpTo;
                }
                long wait = reserved ? 0 : replays.reserve(page);
                if (wait > 0) {
                    // past the node's replay budget: this page goes when its turn comes
                    replays.runAfter(() -> replayAsTenant(true), wait);
                    return;
                }
                synchronized (this) {
                    if (sentUpTo != from) {
                        continue;
                    }
                    offeredDuringReplay = false;
                }
                long id = resolveSessionId();
                List<Effect> effects = id < 0 ? List.of() : outbox.page(id, SessionAddress.WEB, from, Long.MAX_VALUE, page);
                synchronized (this) {
                    if (closing) {
                        return;
                    }
                    if (sentUpTo != from) {
                        continue; // a resume moved the point meanwhile: read from there
                    }
                    effects.forEach(this::deliver);
                    if (effects.size() < page && !offeredDuringReplay) {
                        replaying = false;
                        return;
                    }
                }
            }
        } catch (Throwable e) {
            LOG.warnf("replay to %s failed (%s); closing so that the client resumes", socket.id(),
                    e.getClass().getName());
            synchronized (this) {
                closing = true;
            }
            socket.close(CloseReason.INTERNAL_SERVER_ERROR).subscribe().with(ok -> {
            }, failure -> {
            });
        }
    }

    private long resolveSessionId() {
        if (sessionId < 0) {
            sessions.find(address).ifPresent(s -> sessionId = s.id());
        }
        return sessionId;
    }

    /**
     * Hands a frame to the socket without waiting; false if it was not (closed, or the client is too
     * slow). A replay pauses a page below the limit, so only live traffic can reach it.
     */
    private boolean write(String frame) {
        if (closing || !socket.isOpen()) {
            return false;
        }
        int pending = pendingWrites.incrementAndGet();
        if (pending == 1) {
            lastProgressNanos = System.nanoTime(); // an idle socket has not stalled: its clock starts now
        }
        if (pending > maxPendingFrames) {
            pendingWrites.decrementAndGet();
            tooSlow();
            return false;
        }
        socket.sendText(frame).subscribe().with(ok -> written(), failure -> {
            counters.sendFailures().increment();
            LOG.debugf("send to %s failed: %s", socket.id(), failure.getClass().getName());
            written();
        });
        return true;
    }

    private void written() {
        lastProgressNanos = System.nanoTime();
        if (pendingWrites.decrementAndGet() <= maxPendingFrames / 4 && paused.compareAndSet(true, false)) {
            runReplay();
        }
    }

    private void tooSlow() {
        if (closing) {
            return;
        }
        closing = true;
        counters.closedTooSlow().increment();
        LOG.infof("closing chat socket %s of session %s: the client is too slow (%d frames unwritten)", socket.id(),
                address.key(), pendingWrites.get());
        socket.close(new CloseReason(TOO_SLOW, TOO_SLOW_REASON)).subscribe().with(ok -> {
        }, failure -> {
        });
    }
}
