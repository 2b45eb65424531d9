package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A client that resumes a long session from its first reply, over and over for {@code --duration}
 * seconds: the slow-client scenario's load, while other sessions chat beside it. Each pass reads
 * every reply up to {@code --expect} in order and fails on a gap or a repeat.
 *
 * <pre>
 * java -cp target/test-classes:$(cat target/bench.classpath) dev.switchboard.bench.Resumer \
 *      --url http://localhost:8080 --key sb_… --session growth-big-0 --expect 50000 --duration 20 --out r.jsonl
 * </pre>
 */
public final class Resumer {
    private Resumer() {
    }

    public static void main(String[] argv) throws Exception {
        var options = BenchCli.options(argv, 0);
        URI base = URI.create(options.getOrDefault("url", "http://localhost:8080").replaceFirst("^http", "ws"));
        String session = options.get("session");
        long expect = Long.parseLong(options.getOrDefault("expect", "50000"));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(options.getOrDefault("duration", "20")));
        long passes = 0;
        long frames = 0;
        long errors = 0;
        long started = System.nanoTime();
        while (System.nanoTime() < end) {
            Pass pass = new Pass(expect);
            WebSocket socket = BenchCli.HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + options.get("key"))
                    .connectTimeout(Duration.ofSeconds(30))
                    .buildAsync(base.resolve("/ws/v1/chat/" + session + "?afterSeq=0"), pass).get(30, TimeUnit.SECONDS);
            boolean complete = pass.done.get(120, TimeUnit.SECONDS);
            socket.abort();
            frames += pass.seen;
            errors += complete ? 0 : 1;
            passes++;
        }
        ObjectNode result = BenchCli.MAPPER.createObjectNode().put("session", session).put("passes", passes)
                .put("replays", frames).put("errors", errors)
                .put("framesPerSecond", frames / ((System.nanoTime() - started) / 1e9));
        BenchCli.record(result, options.getOrDefault("label", "resumer"), Path.of(options.get("out")));
        System.exit(errors == 0 ? 0 : 2);
    }

    /** One resume: every message frame from seq 1 to {@code expect}, in order. */
    private static final class Pass implements WebSocket.Listener {
        final CompletableFuture<Boolean> done = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private final long expect;
        long seen;
        private long lastSeq;

        Pass(long expect) {
            this.expect = expect;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode frame = BenchCli.MAPPER.readTree(partial.toString());
                    if (frame.path("type").asText().equals("message")) {
                        long seq = frame.path("seq").asLong();
                        if (seq <= lastSeq) {
                            done.complete(false);
                        }
                        lastSeq = seq;
                        if (++seen >= expect) {
                            done.complete(true);
                        }
                    }
                } catch (Exception e) {
                    done.complete(false);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            done.complete(false);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            done.complete(seen >= expect);
            return null;
        }
    }
}
