package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One benchmark chat session over a real WebSocket. It times each message from its (intended)
 * send to the {@code accepted} frame and to the reply, and checks the contract as it goes: one
 * accepted and one reply per message, replies in send order, effect seqs without gaps or repeats.
 * Its socket lives on the load generator's one Vert.x event loop: the JDK's WebSocket client cost
 * about as much CPU per message as the service it measured, on the same two cores.
 */
final class BenchSession {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String key;
    private final Run run;
    private final Consumer<BenchSession> onReply;
    private WebSocket socket;
    /** The server's ready frame: the socket listens, the first message may go. */
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    // guarded by this
    private long nextMessage;
    private final Map<String, Pending> byClientId = new HashMap<>();
    private final Map<Long, Pending> bySeq = new HashMap<>();
    private long lastReplyTo;
    /** -1 until the first effect: a session with history starts wherever it is. */
    private long lastEffectSeq = -1;
    private long sent;
    private long replies;

    private static final class Pending {
        final String id;
        final long startNanos;
        final boolean measured;
        long seq = -1;

        Pending(String id, long startNanos, boolean measured) {
            this.id = id;
            this.startNanos = startNanos;
            this.measured = measured;
        }
    }

    BenchSession(String key, Run run, Consumer<BenchSession> onReply) {
        this.key = key;
        this.run = run;
        this.onReply = onReply;
    }

    static CompletableFuture<BenchSession> open(Vertx vertx, WebSocketClient client, URI base, String apiKey,
            String key, Run run, Consumer<BenchSession> onReply) {
        BenchSession session = new BenchSession(key, run, onReply);
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(base.getHost())
                .setPort(base.getPort()).setURI("/ws/v1/chat/" + key).setConnectTimeout(30_000)
                .addHeader("Authorization", "Bearer " + apiKey);
        // connected from the event loop, so the handlers are in place before the server's ready frame
        vertx.runOnContext(ignored -> client.connect(options).onComplete(connected -> {
            if (connected.failed()) {
                session.ready.completeExceptionally(connected.cause());
                return;
            }
            WebSocket ws = connected.result();
            session.socket = ws;
            ws.textMessageHandler(session::onText);
            ws.exceptionHandler(error -> {
                run.error(key + ": socket error: " + error);
                session.ready.completeExceptionally(error);
            });
            ws.closeHandler(ignored2 -> session.ready.completeExceptionally(
                    new IllegalStateException("closed before ready: " + ws.closeStatusCode())));
        }));
        return session.ready.thenApply(ignored -> session);
    }

    /** Sends the next message; latency is measured from {@code intendedStartNanos}. */
    void send(long intendedStartNanos) {
        String id;
        synchronized (this) {
            id = run.idPrefix() + nextMessage++;
            byClientId.put(id, new Pending(id, intendedStartNanos, run.measuring(intendedStartNanos)));
            sent++;
        }
        // Vert.x queues writes from other threads on the socket's event loop, in order
        socket.writeTextMessage("{\"type\":\"message\",\"id\":\"" + id + "\",\"text\":\"hello " + id + "\"}")
                .onFailure(e -> run.error(key + ": send failed: " + e));
    }

    private void onText(String text) {
        try {
            handle(MAPPER.readTree(text));
        } catch (Exception e) {
            run.error(key + ": unreadable frame: " + text);
        }
    }

    private void handle(JsonNode frame) {
        long now = System.nanoTime();
        boolean replied = false;
        synchronized (this) {
            switch (frame.path("type").asText()) {
                case "ready" -> ready.complete(null);
                case "accepted" -> {
                    Pending pending = byClientId.get(frame.path("id").asText());
                    if (pending == null || pending.seq >= 0) {
                        run.error(key + ": unexpected accepted " + frame);
                        return;
                    }
                    pending.seq = frame.path("seq").asLong();
                    bySeq.put(pending.seq, pending);
                    if (pending.measured) {
                        run.accepted().recordNanos(now - pending.startNanos);
                    }
                }
                case "message", "state" -> {
                    long seq = frame.path("seq").asLong();
                    if (lastEffectSeq >= 0 && seq != lastEffectSeq + 1) {
                        run.error(key + ": effect seq " + seq + " after " + lastEffectSeq);
                    }
                    lastEffectSeq = Math.max(lastEffectSeq, seq);
                    if ("message".equals(frame.path("type").asText())) {
                        long replyTo = frame.path("replyTo").asLong();
                        Pending pending = bySeq.remove(replyTo);
                        if (pending == null) {
                            run.error(key + ": reply to unknown or already answered seq " + replyTo);
                            return;
                        }
                        if (replyTo <= lastReplyTo) {
                            run.error(key + ": reply to " + replyTo + " after reply to " + lastReplyTo);
                        }
                        lastReplyTo = replyTo;
                        replies++;
                        byClientId.remove(pending.id);
                        if (pending.measured) {
                            run.reply().recordNanos(now - pending.startNanos);
                            run.countReply();
                        }
                        replied = true;
                    }
                }
                case "error" -> run.error(key + ": error frame " + frame);
                default -> {
                }
            }
        }
        if (replied && onReply != null) {
            onReply.accept(this);
        }
    }

    synchronized long outstanding() {
        return sent - replies;
    }

    synchronized void reportMissing(List<String> into) {
        if (sent != replies) {
            into.add(key + ": " + (sent - replies) + " of " + sent + " messages got no reply");
        }
    }

    void close() {
        try {
            socket.close((short) 1000, "done").toCompletionStage().toCompletableFuture().get();
        } catch (Exception e) {
            run.error(key + ": close failed: " + e);
        }
    }
}
