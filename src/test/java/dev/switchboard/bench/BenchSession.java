package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * One benchmark chat session over a real WebSocket. It times each message from its (intended)
 * send to the {@code accepted} frame and to the reply, and checks the contract as it goes: one
 * accepted and one reply per message, replies in send order, effect seqs without gaps or repeats.
 */
final class BenchSession implements WebSocket.Listener {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String key;
    private final Run run;
    private final Consumer<BenchSession> onReply;
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;
    private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);
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

    static CompletableFuture<BenchSession> open(HttpClient http, URI base, String apiKey, String key, Run run,
            Consumer<BenchSession> onReply) {
        BenchSession session = new BenchSession(key, run, onReply);
        return http.newWebSocketBuilder().header("Authorization", "Bearer " + apiKey)
                .connectTimeout(Duration.ofSeconds(30))
                .buildAsync(base.resolve("/ws/v1/chat/" + key), session)
                .thenCompose(ws -> {
                    session.socket = ws;
                    return session.ready.thenApply(ignored -> session);
                });
    }

    /** Sends the next message; latency is measured from {@code intendedStartNanos}. */
    void send(long intendedStartNanos) {
        String id;
        synchronized (this) {
            id = run.idPrefix() + nextMessage++;
            byClientId.put(id, new Pending(id, intendedStartNanos, run.measuring(intendedStartNanos)));
            sent++;
        }
        String frame = "{\"type\":\"message\",\"id\":\"" + id + "\",\"text\":\"hello " + id + "\"}";
        synchronized (this) {
            lastSend = lastSend.thenCompose(ignored -> socket.sendText(frame, true))
                    .exceptionally(e -> {
                        run.error(key + ": send failed: " + e);
                        return null;
                    });
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            try {
                handle(MAPPER.readTree(text));
            } catch (Exception e) {
                run.error(key + ": unreadable frame: " + text);
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        run.error(key + ": socket error: " + error);
        ready.completeExceptionally(error);
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        ready.completeExceptionally(new IllegalStateException("closed before ready: " + statusCode));
        return null;
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
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get();
        } catch (Exception e) {
            socket.abort();
        }
    }
}
