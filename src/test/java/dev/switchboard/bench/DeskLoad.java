package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The desk benchmark's client (bench/desk.sh): N desk sockets of one tenant watch customers' messages
 * sent over REST at a fixed rate; each frame's latency is counted from the moment the message's 202
 * (sent after its commit) arrived. Then the inbox query with the conversations the script seeded.
 *
 * <pre>
 * java -cp … dev.switchboard.bench.DeskLoad feed|inbox --url … --admin … [options]
 * </pre>
 */
public final class DeskLoad {
    private static final ObjectMapper MAPPER = BenchCli.MAPPER;
    private static final HttpClient HTTP = BenchCli.HTTP;
    private static final String TEXT_PREFIX = "\"text\":\"hello ";

    private DeskLoad() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchCli.options(argv);
        String url = args.getOrDefault("url", "http://localhost:8089");
        Path out = Path.of(args.getOrDefault("out", "bench/results/desk.jsonl"));
        ObjectNode result = switch (argv[0]) {
            case "setup" -> setup(url, args.get("admin"), Path.of(args.get("state")));
            case "feed" -> feed(url, BenchCli.read(Path.of(args.get("state"))),
                    Integer.parseInt(args.getOrDefault("sockets", "50")),
                    Double.parseDouble(args.getOrDefault("rate", "200")),
                    Integer.parseInt(args.getOrDefault("duration", "15")));
            case "inbox" -> inbox(url, BenchCli.read(Path.of(args.get("state"))),
                    Integer.parseInt(args.getOrDefault("requests", "500")));
            default -> throw new IllegalArgumentException("setup|feed|inbox");
        };
        BenchCli.record(result, args.getOrDefault("label", argv[0]), out);
    }

    private static ObjectNode setup(String url, String admin, Path state) throws Exception {
        String tenant = BenchCli.create(url + "/api/v1/admin/tenants", admin, "{\"name\":\"desk-bench\"}").path("id").asText();
        String key = BenchCli.create(url + "/api/v1/admin/tenants/" + tenant + "/api-keys", admin, "").path("key").asText();
        String token = BenchCli.create(url + "/api/v1/admin/tenants/" + tenant + "/agents", admin,
                "{\"name\":\"Bench\",\"email\":\"bench@example.com\"}").path("token").asText();
        Files.writeString(state, MAPPER.createObjectNode().put("tenant", tenant).put("key", key).put("token", token)
                .toString());
        return null;
    }

    private static ObjectNode feed(String url, JsonNode state, int sockets, double rate, int seconds)
            throws Exception {
        Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        Set<String> ours = ConcurrentHashMap.newKeySet();
        LatencyRecorder latency = new LatencyRecorder();
        AtomicInteger frames = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch live = new CountDownLatch(sockets);
        // one event loop for every socket and request: the JDK client took more CPU than the service
        EventLoopHttp http = new EventLoopHttp(url);
        WebSocketClient client = http.vertx().createWebSocketClient(new WebSocketClientOptions()
                .setMaxConnections(sockets));
        URI target = URI.create(url);
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(target.getHost())
                .setPort(target.getPort()).setURI("/ws/v1/desk")
                .addHeader("Authorization", "Bearer " + state.path("token").asText());
        for (int i = 0; i < sockets; i++) {
            // connected from the event loop, so the handler is in place before the server's ready frame
            http.vertx().runOnContext(ignored -> client.connect(options).onSuccess(socket -> socket.textMessageHandler(
                    text -> onFrame(text, ours, acknowledged, latency, frames, live))));
        }
        // connected desks: each socket is live (its ready frame) before the first message
        if (!live.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("desk sockets not ready");
        }
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        List<CompletableFuture<?>> sent = new ArrayList<>();
        Map<String, String> headers = Map.of("Content-Type", "application/json",
                "Authorization", "Bearer " + state.path("key").asText());
        BenchCli.openLoop(rate, start, end, (i, intended) -> {
            String marker = "m" + i + "-" + UUID.randomUUID().toString().substring(0, 8);
            ours.add(marker);
            Map<String, String> request = new HashMap<>(headers);
            request.put("Idempotency-Key", UUID.randomUUID().toString());
            sent.add(http.post("/api/v1/sessions/desk-bench-" + (i % 500) + "/messages", request,
                    Buffer.buffer("{\"text\":\"hello " + marker + "\"}")).thenAccept(status -> {
                        acknowledged.putIfAbsent(marker, System.nanoTime());
                        if (status != 202) {
                            refused.incrementAndGet();
                        }
                    }));
        });
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        Thread.sleep(3000);
        http.close();
        ObjectNode result = latency.toJson();
        result.put("sockets", sockets).put("rate", rate).put("frames", frames.get())
                .put("expected", (long) sockets * sent.size()).put("refused", refused.get());
        return result;
    }

    /**
     * Counts, on one desk socket, the customer message frames of markers whose 202 has arrived. Frames
     * are matched as text (in any key order), not parsed: at 200 messages/s, 50 sockets receive some
     * 20,000 frames a second.
     */
    private static void onFrame(String frame, Set<String> ours, Map<String, Long> acknowledged,
            LatencyRecorder latency, AtomicInteger frames, CountDownLatch live) {
        long now = System.nanoTime();
        if (frame.contains("\"type\":\"ready\"")) {
            live.countDown();
            return;
        }
        if (!frame.contains("\"type\":\"message\"") || !frame.contains("\"direction\":\"in\"")) {
            return;
        }
        int text = frame.indexOf(TEXT_PREFIX);
        if (text < 0) {
            return;
        }
        int from = text + TEXT_PREFIX.length();
        String marker = frame.substring(from, frame.indexOf('"', from));
        if (!ours.contains(marker)) {
            return; // an earlier run's message: not this run's latency
        }
        Long acked = acknowledged.get(marker);
        frames.incrementAndGet();
        // a frame can beat the 202 to the client: that is zero latency after the commit
        latency.recordNanos(acked == null ? 1 : Math.max(1, now - acked));
    }

    private static ObjectNode inbox(String url, JsonNode state, int requests) throws Exception {
        LatencyRecorder pending = new LatencyRecorder();
        LatencyRecorder all = new LatencyRecorder();
        for (int i = 0; i < requests; i++) {
            for (String query : List.of("?status=pending&limit=50", "?limit=50")) {
                long t0 = System.nanoTime();
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/conversations"
                        + query)).header("Authorization", "Bearer " + state.path("token").asText()).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                (query.startsWith("?status") ? pending : all).recordNanos(System.nanoTime() - t0);
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("inbox answered " + r.statusCode());
                }
            }
        }
        ObjectNode result = MAPPER.createObjectNode();
        result.set("pending", pending.toJson());
        result.set("all", all.toJson());
        return result.put("pending_p95", pending.percentileMillis(95)).put("all_p95", all.percentileMillis(95));
    }

}
