package dev.switchboard.channels.web;

import dev.switchboard.outbox.Effect;
import dev.switchboard.outbox.Outbox;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.sessions.SessionStore;
import dev.switchboard.sessions.SessionView;
import io.quarkus.websockets.next.WebSocketConnection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One open chat socket. All frames to it go through this object's monitor, in order. It remembers
 * the highest effect seq it has sent: live effects at or below it are dropped, and a gap (an
 * effect it never saw, or a resume) is filled from the outbox table, so the client sees every
 * effect after its resume point exactly once and in seq order.
 */
final class ChatConnection {
    private static final Logger LOG = Logger.getLogger(ChatConnection.class);
    private static final int PAGE = 500;

    private final WebSocketConnection socket;
    private final SessionAddress address;
    private final ServerFrames frames;
    private final Outbox outbox;
    private final SessionStore sessions;
    private final String correlationId;
    private long sentUpTo;
    private long sessionId = -1;

    ChatConnection(WebSocketConnection socket, SessionAddress address, ServerFrames frames, Outbox outbox,
            SessionStore sessions, String correlationId) {
        this.correlationId = correlationId;
        this.socket = socket;
        this.address = address;
        this.frames = frames;
        this.outbox = outbox;
        this.sessions = sessions;
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

    /** Starts live delivery after whatever the session has produced so far. */
    synchronized void startLive() {
        Optional<SessionView> session = sessions.find(address);
        session.ifPresent(s -> {
            sessionId = s.id();
            sentUpTo = Math.max(sentUpTo, s.effectSeq());
        });
    }

    /** Sends every effect after {@code afterSeq}, then continues live. */
    synchronized void resume(long afterSeq) {
        sentUpTo = afterSeq;
        catchUp(Long.MAX_VALUE);
    }

    /** A live effect of this connection's session. */
    synchronized void offer(Effect effect) {
        sessionId = effect.sessionId();
        if (effect.seq() <= sentUpTo) {
            return;
        }
        if (effect.seq() > sentUpTo + 1) {
            catchUp(effect.seq() - 1);
        }
        send(effect);
    }

    synchronized void sendFrame(String frame) {
        write(frame);
    }

    /**
     * Runs an append and sends its acknowledgement frame while holding the send order, so the
     * {@code accepted} frame always precedes the replies the append causes.
     */
    synchronized void acknowledge(Supplier<String> appendThenFrame) {
        write(appendThenFrame.get());
    }

    /** Confirms an effect seq on behalf of the client; false if that seq does not exist. */
    synchronized boolean ack(long seq) {
        long id = resolveSessionId();
        return id >= 0 && sessions.recordAck(id, seq);
    }

    private void catchUp(long upToSeq) {
        long id = resolveSessionId();
        if (id < 0) {
            return;
        }
        List<Effect> page;
        do {
            page = outbox.page(id, sentUpTo, upToSeq, PAGE);
            page.forEach(this::send);
        } while (page.size() == PAGE);
    }

    private long resolveSessionId() {
        if (sessionId < 0) {
            sessions.find(address).ifPresent(s -> sessionId = s.id());
        }
        return sessionId;
    }

    private void send(Effect effect) {
        write(frames.effect(effect));
        sentUpTo = effect.seq();
        outbox.delivered(effect);
    }

    private void write(String frame) {
        if (!socket.isOpen()) {
            return;
        }
        socket.sendText(frame).subscribe().with(ok -> {
        }, failure -> LOG.debugf("send to %s failed: %s", socket.id(), failure.toString()));
    }
}
