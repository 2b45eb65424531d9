package dev.switchboard.channels.web;

import dev.switchboard.conversations.CustomerTyping;
import dev.switchboard.events.AppendResult;
import dev.switchboard.events.EventStore;
import dev.switchboard.events.MessageText;
import dev.switchboard.ops.CorrelationId;
import dev.switchboard.ops.Traces;
import dev.switchboard.outbox.Outbox;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.sessions.SessionStore;
import dev.switchboard.tenants.DatabaseScope;
import dev.switchboard.tenants.IngressRateLimiter;
import dev.switchboard.tenants.TenantId;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Event;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * Web chat: {@code /ws/v1/chat/{sessionKey}}. A message is acknowledged with {@code accepted} only
 * after its event is committed; replies arrive as {@code message} frames with their effect seq.
 */
@WebSocket(path = "/ws/v1/chat/{sessionKey}", endpointId = ChatSocket.ENDPOINT)
public class ChatSocket {
    static final String ENDPOINT = "chat";
    private static final Logger LOG = Logger.getLogger(ChatSocket.class);
    /** How long a frame that overtook its socket's open callback waits for it. */
    private static final Duration OPEN_WAIT = Duration.ofSeconds(10);

    private final ConnectionRegistry registry;
    private final FrameReader reader;
    private final ServerFrames frames;
    private final EventStore events;
    private final Outbox outbox;
    private final SessionStore sessions;
    private final IngressRateLimiter rateLimiter;
    private final WebChatConfig config;
    private final Traces traces;
    private final Event<CustomerTyping> customerTyping;

    ChatSocket(ConnectionRegistry registry, FrameReader reader, ServerFrames frames, EventStore events, Outbox outbox,
            SessionStore sessions, IngressRateLimiter rateLimiter, WebChatConfig config, Traces traces,
            Event<CustomerTyping> customerTyping) {
        this.traces = traces;
        this.customerTyping = customerTyping;
        this.config = config;
        this.rateLimiter = rateLimiter;
        this.registry = registry;
        this.reader = reader;
        this.frames = frames;
        this.events = events;
        this.outbox = outbox;
        this.sessions = sessions;
    }

    @OnOpen
    public void open(WebSocketConnection socket) {
        TenantId tenant = new TenantId(UUID.fromString(socket.userData().get(ApiKeyUpgradeCheck.TENANT)));
        SessionAddress address = SessionAddress.web(tenant, socket.pathParam("sessionKey"));
        String correlation = CorrelationId.resolve(socket.handshakeRequest().header("traceparent"),
                socket.handshakeRequest().header(CorrelationId.HEADER));
        ChatConnection connection = new ChatConnection(socket, address, frames, outbox, sessions, correlation,
                registry.replays(), registry.counters(), config);
        ResumeQuery resume = ResumeQuery.of(socket.handshakeRequest().query());
        boolean added = false;
        try {
            DatabaseScope.asTenant(tenant, () -> {
                registry.add(connection);
                if (resume.malformed()) {
                    connection.sendFrame(frames.error("invalid_afterseq", "'afterSeq' must be a non-negative "
                            + "integer; delivering live from the last reply instead", null));
                }
                if (!connection.open(resume.afterSeq())) {
                    connection.sendFrame(impossibleResume(resume.afterSeq()));
                }
            });
            added = true;
        } finally {
            registry.opened(socket.id(), added ? connection : null);
        }
        if (added) {
            // a frame that arrives while this callback runs can be lost below this code (about 1 in 300
            // connections that send at once, measured): clients send once they have this frame
            connection.sendFrame(frames.ready());
        }
    }

    private String impossibleResume(long afterSeq) {
        return frames.error("invalid_seq", "afterSeq " + afterSeq + " is beyond the last reply seq of this session; "
                + "delivering live from the last reply instead", null);
    }

    /**
     * A chat message goes to the appender from the event loop and is acknowledged on the thread that
     * committed it, without a worker thread in between (ADR 0027); every other frame, a frame that
     * overtook its socket's open callback and every frame of a rate-limited node run on a worker.
     * Frames of one socket are handled one after the other, in order, either way.
     */
    @OnTextMessage
    public Uni<Void> message(String raw, WebSocketConnection socket) {
        ChatConnection connection = registry.find(socket.id());
        if (connection == null || rateLimiter.limits()) {
            return onWorker(() -> {
                ChatConnection opened = registry.await(socket.id(), OPEN_WAIT);
                if (opened == null) {
                    LOG.warnf("chat frame on socket %s, which never opened: dropped", socket.id());
                    return;
                }
                read(opened, raw).ifPresent(frame -> handle(opened, frame));
            });
        }
        Optional<ClientFrame> frame = read(connection, raw);
        if (frame.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        if (frame.get() instanceof ClientFrame.Message m) {
            return append(connection, m);
        }
        return onWorker(() -> handle(connection, frame.get()));
    }

    /** The frame, or empty when it was refused (with an error frame). */
    private Optional<ClientFrame> read(ChatConnection connection, String raw) {
        try {
            return Optional.of(reader.read(raw));
        } catch (FrameRejected rejected) {
            connection.sendFrame(frames.error(rejected.code(), rejected.getMessage(), rejected.clientId()));
            return Optional.empty();
        }
    }

    private static Uni<Void> onWorker(Runnable work) {
        return Uni.createFrom().<Void>item(() -> {
            work.run();
            return null;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** Appends without waiting; the socket's next frame is handled once this one is acknowledged, on its loop. */
    private Uni<Void> append(ChatConnection connection, ClientFrame.Message m) {
        Context loop = Vertx.currentContext();
        Span span = messageSpan();
        CompletionStage<Void> acknowledged;
        try (Scope ignored = span.makeCurrent()) {
            acknowledged = connection.acknowledgeLater(() -> events.appendUserMessageLater(connection.address(), m.id(),
                    m.text(), connection.correlationId()).thenApply(result -> frames.accepted(m.id(), result.seq())));
        } catch (RuntimeException e) {
            failed(connection, m, e);
            span.end();
            return Uni.createFrom().voidItem();
        }
        CompletionStage<Void> handled = acknowledged.handle((ok, failure) -> {
            if (failure != null) {
                failed(connection, m, failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            }
            span.end();
            return null;
        });
        Uni<Void> done = Uni.createFrom().completionStage(handled);
        return loop == null ? done : done.emitOn(command -> loop.runOnContext(ignored -> command.run()));
    }

    /** A frame on a worker, as its tenant. */
    private void handle(ChatConnection connection, ClientFrame frame) {
        Span span = frame instanceof ClientFrame.Message ? messageSpan() : Span.getInvalid();
        try (Scope ignored = span.makeCurrent()) {
            DatabaseScope.asTenant(connection.address().tenant(), () -> dispatch(connection, frame));
        } catch (RuntimeException e) {
            failed(connection, frame, e);
        } finally {
            span.end();
        }
    }

    /** A chat message is ingest, like a POST: its span is the root of the trace its reply continues. */
    private Span messageSpan() {
        return traces.startChildOf(null, "chat message", SpanKind.SERVER);
    }

    /** The answer to a frame that failed: nothing of it was stored. */
    private void failed(ChatConnection connection, ClientFrame frame, Throwable e) {
        if (e instanceof MessageText.Unstorable) {
            connection.sendFrame(frames.error("invalid_text", e.getMessage(), clientId(frame)));
            return;
        }
        LOG.errorf(e, "chat frame on %s failed", connection.address().key());
        connection.sendFrame(frames.error("internal_error",
                "the frame could not be processed; it was not stored and may be retried", clientId(frame)));
    }

    /** The client's message id, for error frames that answer a message. */
    private static String clientId(ClientFrame frame) {
        return frame instanceof ClientFrame.Message m ? m.id() : null;
    }

    private void dispatch(ChatConnection connection, ClientFrame frame) {
        if (frame instanceof ClientFrame.Message m) {
            Optional<Duration> wait = rateLimiter.tryAcquire(connection.address().tenant());
            if (wait.isPresent()) {
                connection.sendFrame(frames.error("rate_limited", "too many messages for this tenant; retry in "
                        + Math.max(1, wait.get().toMillis()) + " ms", m.id()));
                return;
            }
            connection.acknowledge(() -> {
                AppendResult result = events.appendUserMessage(connection.address(), m.id(), m.text(),
                        connection.correlationId());
                return frames.accepted(m.id(), result.seq());
            });
        } else if (frame instanceof ClientFrame.Resume r) {
            if (!connection.resume(r.afterSeq())) {
                connection.sendFrame(impossibleResume(r.afterSeq()));
            }
        } else if (frame instanceof ClientFrame.Ack a) {
            if (!connection.ack(a.seq())) {
                connection.sendFrame(frames.error("invalid_seq", "no effect with seq " + a.seq() + " exists", null));
            }
        } else if (frame instanceof ClientFrame.Ping) {
            connection.sendFrame(frames.pong());
        } else if (frame instanceof ClientFrame.Typing && connection.typingDue()) {
            customerTyping.fire(new CustomerTyping(connection.address()));
        }
    }

    @OnClose
    public void close(WebSocketConnection socket) {
        registry.remove(socket.id());
    }

    /**
     * The optional {@code ?afterSeq=N} of the upgrade request, which behaves like a resume frame
     * ({@code afterSeq} null when absent); malformed when it is not one non-negative integer in digits.
     */
    record ResumeQuery(Long afterSeq, boolean malformed) {
        static ResumeQuery of(String query) {
            Long afterSeq = null;
            for (String pair : query == null ? new String[0] : query.split("&")) {
                if (pair.startsWith("afterSeq=")) {
                    String digits = pair.substring("afterSeq=".length());
                    if (afterSeq != null || digits.isEmpty() || digits.length() > 18
                            || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                        return new ResumeQuery(null, true);
                    }
                    afterSeq = Long.parseLong(digits);
                }
            }
            return new ResumeQuery(afterSeq, false);
        }
    }
}
