package dev.switchboard.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket chat client (JDK HttpClient) that queues every frame it receives. */
public final class ChatClient implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final WebSocket socket;
    private final LinkedBlockingQueue<JsonNode> frames;
    /** The last 100 frames this client sent and took (types, ids, seqs; no text): printed with a stall's thread dump. */
    private final List<String> history = new ArrayList<>();

    private ChatClient(WebSocket socket, LinkedBlockingQueue<JsonNode> frames) {
        this.socket = socket;
        this.frames = frames;
    }

    public static ChatClient connect(URI base, String sessionKey, String apiKey, Long afterSeq) {
        LinkedBlockingQueue<JsonNode> queue = new LinkedBlockingQueue<>();
        String uri = base.toString().replaceFirst("^http", "ws") + "ws/v1/chat/" + sessionKey
                + (afterSeq == null ? "" : "?afterSeq=" + afterSeq);
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (apiKey != null) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        CountDownLatch ready = new CountDownLatch(1);
        WebSocket socket = builder.buildAsync(URI.create(uri), new Listener(queue, ready)).join();
        try {
            // the chat socket listens once it has said ready: a frame sent before can be lost
            if (!ready.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the chat socket never said ready");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return new ChatClient(socket, queue);
    }

    /** Any of the service's sockets: {@code pathAndQuery} after the base, e.g. {@code ws/v1/desk?after=3}. */
    public static ChatClient connectTo(URI base, String pathAndQuery, String bearer) {
        LinkedBlockingQueue<JsonNode> queue = new LinkedBlockingQueue<>();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer);
        }
        String uri = base.toString().replaceFirst("^http", "ws") + pathAndQuery;
        return new ChatClient(builder.buildAsync(URI.create(uri), new Listener(queue, null)).join(), queue);
    }

    public void send(String json) {
        remember("sent " + summary(json));
        socket.sendText(json, true).join();
    }

    private void remember(String event) {
        synchronized (history) {
            history.add(event);
            if (history.size() > 100) {
                history.remove(0);
            }
        }
    }

    private static String summary(String json) {
        try {
            JsonNode frame = MAPPER.readTree(json);
            return frame.path("type").asText() + (frame.has("id") ? " " + frame.path("id").asText() : "")
                    + (frame.has("seq") ? " seq " + frame.path("seq").asText() : "");
        } catch (Exception e) {
            return "(not JSON)";
        }
    }

    public void sendMessage(String id, String text) {
        send(MAPPER.createObjectNode().put("type", "message").put("id", id).put("text", text).toString());
    }

    /** The next frame, or fails after the timeout. */
    public JsonNode next(Duration timeout) {
        try {
            JsonNode frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (frame != null) {
                remember("took " + summary(frame.toString()));
            }
            if (frame == null) {
                synchronized (history) {
                    dumpThreads("no frame within " + timeout + "; this client so far: " + history);
                }
                throw new AssertionError("no frame within " + timeout);
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Every thread's stack on stderr (the service runs in the test's JVM): a frame that never came
     * was stuck somewhere, and this says where, in the surefire report.
     */
    private static void dumpThreads(String why) {
        StringBuilder dump = new StringBuilder("ChatClient: " + why + "; threads:\n");
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            dump.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
            for (StackTraceElement element : stack) {
                dump.append("    at ").append(element).append('\n');
            }
        });
        System.err.print(dump);
    }

    /** Frames until {@code count} of them matched {@code wanted}; returns the matching ones. */
    public List<JsonNode> collect(Predicate<JsonNode> wanted, int count, Duration timeout) {
        List<JsonNode> matched = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (matched.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("got " + matched.size() + " of " + count + " frames within " + timeout
                        + ": " + matched);
            }
            JsonNode frame = next(Duration.ofNanos(left));
            if (wanted.test(frame)) {
                matched.add(frame);
            }
        }
        return matched;
    }

    /** Whatever arrives within {@code quiet}: used to prove nothing more comes. */
    public List<JsonNode> drain(Duration quiet) {
        List<JsonNode> rest = new ArrayList<>();
        try {
            JsonNode frame;
            while ((frame = frames.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
                rest.add(frame);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return rest;
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            socket.abort();
        }
    }

    public static boolean isType(JsonNode frame, String type) {
        return type.equals(frame.path("type").asText());
    }

    private static final class Listener implements WebSocket.Listener {
        private final LinkedBlockingQueue<JsonNode> queue;
        /** Chat sockets: counted down by the server's ready frame (not queued) or the close. */
        private final CountDownLatch ready;
        private final StringBuilder partial = new StringBuilder();

        Listener(LinkedBlockingQueue<JsonNode> queue, CountDownLatch ready) {
            this.queue = queue;
            this.ready = ready;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode frame = MAPPER.readTree(partial.toString());
                    if (ready != null && isType(frame, "ready")) {
                        ready.countDown();
                    } else {
                        queue.add(frame);
                    }
                } catch (Exception e) {
                    queue.add(MAPPER.createObjectNode().put("type", "unparseable").put("raw", partial.toString()));
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return CompletableFuture.completedFuture(null);
        }

        /** The server closed: a frame of type {@code closed} with the code, so tests can wait for it. */
        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            queue.add(MAPPER.createObjectNode().put("type", "closed").put("code", statusCode));
            if (ready != null) {
                ready.countDown();
            }
            return CompletableFuture.completedFuture(null);
        }
    }
}
