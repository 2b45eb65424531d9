package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The WhatsApp benchmark's client (bench/whatsapp.sh): signed webhooks as Meta sends them, open loop
 * at a fixed rate (latency timed from the intended send time) and closed loop (throughput), beside a
 * baseline of the same durable append through the REST API; customer lookups by phone beside the same
 * query over JDBC; the outbound send rate read from the Graph API fake's request journal.
 *
 * <pre>
 * java -cp … dev.switchboard.bench.WhatsAppLoad setup|webhooks|rest|throughput|lookups|sends --url … [options]
 * </pre>
 */
public final class WhatsAppLoad {
    private static final ObjectMapper MAPPER = BenchCli.MAPPER;
    private static final HttpClient HTTP = BenchCli.HTTP;

    private WhatsAppLoad() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchCli.options(argv);
        String url = args.getOrDefault("url", "http://localhost:8089");
        Path state = Path.of(args.getOrDefault("state", "bench/results/whatsapp-state.json"));
        Path out = Path.of(args.getOrDefault("out", "bench/results/whatsapp.jsonl"));
        int seconds = Integer.parseInt(args.getOrDefault("duration", "15"));
        String label = args.getOrDefault("label", argv[0]);
        ObjectNode result = switch (argv[0]) {
            case "setup" -> setup(url, args.get("admin"), Integer.parseInt(args.getOrDefault("channels", "8")), state);
            case "webhooks" -> webhooks(url, BenchCli.read(state), Double.parseDouble(args.getOrDefault("rate", "200")),
                    seconds, Integer.parseInt(args.getOrDefault("warmup", "3")));
            case "rest" -> rest(url, BenchCli.read(state), Double.parseDouble(args.getOrDefault("rate", "200")), seconds,
                    Integer.parseInt(args.getOrDefault("warmup", "3")));
            case "throughput" -> throughput(url, BenchCli.read(state), Integer.parseInt(args.getOrDefault("clients", "32")),
                    seconds);
            case "lookups" -> lookups(url, BenchCli.read(state), args.get("jdbc"), Integer.parseInt(args.getOrDefault(
                    "customers", "100000")), Integer.parseInt(args.getOrDefault("requests", "3000")));
            case "sends" -> sends(args.get("graph"), BenchCli.read(state));
            default -> throw new IllegalArgumentException("setup|webhooks|rest|throughput|lookups|sends");
        };
        BenchCli.record(result, label, out);
    }

    // ---- setup: a tenant, its key and its channels ----

    private static ObjectNode setup(String url, String admin, int channels, Path state) throws Exception {
        JsonNode tenant = BenchCli.create(url + "/api/v1/admin/tenants", admin, "{\"name\":\"whatsapp-bench\"}");
        String tenantId = tenant.path("id").asText();
        String key = BenchCli.create(url + "/api/v1/admin/tenants/" + tenantId + "/api-keys", admin, "").path("key").asText();
        ObjectNode saved = MAPPER.createObjectNode().put("tenant", tenantId).put("key", key);
        var list = saved.putArray("channels");
        for (int i = 0; i < channels; i++) {
            String phoneNumberId = String.valueOf(900_000_000_000L + ThreadLocalRandom.current().nextInt(1_000_000) * 8L + i);
            String secret = "bench-secret-" + i;
            JsonNode channel = BenchCli.create(url + "/api/v1/admin/tenants/" + tenantId + "/channels/whatsapp", admin,
                    MAPPER.createObjectNode().put("phoneNumberId", phoneNumberId).put("accessToken", "EAAGbench" + i)
                            .put("appSecret", secret).put("verifyToken", "v" + i).toString());
            list.addObject().put("id", channel.path("id").asText()).put("phoneNumberId", phoneNumberId)
                    .put("secret", secret);
        }
        Files.createDirectories(state.getParent());
        Files.writeString(state, saved.toString());
        return null;
    }

    // ---- webhooks: open loop, one text message per body ----

    private static ObjectNode webhooks(String url, JsonNode state, double rate, int seconds, int warmup)
            throws Exception {
        List<JsonNode> channels = new ArrayList<>();
        state.path("channels").forEach(channels::add);
        return openLoop(url, rate, seconds, warmup, i -> {
            JsonNode channel = channels.get(i % channels.size());
            String waId = String.valueOf(15_550_000_000L + (i / channels.size()) % 2000);
            byte[] body = webhookBody(channel.path("phoneNumberId").asText(), waId, "wamid.bench." + UUID.randomUUID(),
                    "hello").getBytes(StandardCharsets.UTF_8);
            return new Post("/webhooks/whatsapp/" + channel.path("id").asText(), Map.of("Content-Type",
                    "application/json", "X-Hub-Signature-256", sign(channel.path("secret").asText(), body)), body);
        });
    }

    /** The baseline: the same durable append of one message per request, through the REST API. */
    private static ObjectNode rest(String url, JsonNode state, double rate, int seconds, int warmup) throws Exception {
        String key = state.path("key").asText();
        return openLoop(url, rate, seconds, warmup, i -> new Post("/api/v1/sessions/rest-" + (i % 2000) + "/messages",
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + key,
                        "Idempotency-Key", UUID.randomUUID().toString()),
                ("{\"id\":\"" + UUID.randomUUID() + "\",\"text\":\"hello\"}").getBytes(StandardCharsets.UTF_8)));
    }

    /** One request of an open loop. */
    record Post(String path, Map<String, String> headers, byte[] body) {
    }

    interface Requests {
        Post make(int i) throws Exception;
    }

    private static ObjectNode openLoop(String url, double rate, int seconds, int warmup, Requests requests)
            throws Exception {
        LatencyRecorder latency = new LatencyRecorder();
        AtomicInteger failures = new AtomicInteger();
        long start = System.nanoTime();
        long measureFrom = start + warmup * 1_000_000_000L;
        long end = measureFrom + seconds * 1_000_000_000L;
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        try (EventLoopHttp http = new EventLoopHttp(url)) {
            BenchCli.openLoop(rate, start, end, (i, intended) -> {
                boolean measured = intended >= measureFrom;
                Post post = requests.make(i);
                Buffer body = Buffer.buffer(post.body());
                inFlight.add(http.post(post.path(), post.headers(), body).whenComplete((status, e) -> {
                    if (e != null || status >= 300) {
                        failures.incrementAndGet();
                    } else if (measured) {
                        latency.recordNanos(System.nanoTime() - intended);
                    }
                }));
            });
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        }
        ObjectNode result = latency.toJson();
        result.put("rate", rate).put("failures", failures.get());
        return result;
    }

    // ---- throughput: closed loop, each client posts its next webhook when the last is answered ----

    private static ObjectNode throughput(String url, JsonNode state, int clients, int seconds) throws Exception {
        List<JsonNode> channels = new ArrayList<>();
        state.path("channels").forEach(channels::add);
        AtomicLong done = new AtomicLong();
        AtomicInteger failures = new AtomicInteger();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                int n = 0;
                while (System.nanoTime() < end) {
                    JsonNode channel = channels.get(client % channels.size());
                    String waId = String.valueOf(16_660_000_000L + client * 100L + n++ % 100);
                    byte[] body = webhookBody(channel.path("phoneNumberId").asText(), waId,
                            "wamid.tp." + UUID.randomUUID(), "hello").getBytes(StandardCharsets.UTF_8);
                    try {
                        HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/webhooks/whatsapp/"
                                        + channel.path("id").asText()))
                                .header("Content-Type", "application/json")
                                .header("X-Hub-Signature-256", sign(channel.path("secret").asText(), body))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() == 200) {
                            done.incrementAndGet();
                        } else {
                            failures.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        return MAPPER.createObjectNode().put("webhooks_per_s", done.get() / (double) seconds)
                .put("clients", clients).put("failures", failures.get());
    }

    // ---- customer lookup by phone: the API beside the same query over JDBC ----

    private static ObjectNode lookups(String url, JsonNode state, String jdbc, int customers, int requests)
            throws Exception {
        String key = state.path("key").asText();
        LatencyRecorder api = new LatencyRecorder();
        LatencyRecorder sql = new LatencyRecorder();
        int misses = 0;
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                PreparedStatement ps = c.prepareStatement("SELECT id, name FROM customers WHERE tenant_id = ?::uuid "
                        + "AND phone = ? ORDER BY id LIMIT 50")) {
            for (int i = 0; i < requests; i++) {
                long n = ThreadLocalRandom.current().nextLong(customers);
                String national = String.valueOf(2_000_000 + n);
                // as people type them: E.164, with spaces, 00-prefixed (the seeded numbers are +4930 and 2000000 + n)
                String spelled = switch (i % 3) {
                    case 0 -> "+4930" + national;
                    case 1 -> "+49 30 " + national.substring(0, 3) + " " + national.substring(3);
                    default -> "004930" + national;
                };
                long t0 = System.nanoTime();
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/customers?phone="
                                + java.net.URLEncoder.encode(spelled, StandardCharsets.UTF_8)))
                        .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
                api.recordNanos(System.nanoTime() - t0);
                if (r.statusCode() != 200 || MAPPER.readTree(r.body()).path("items").size() != 1) {
                    misses++;
                }
                long t1 = System.nanoTime();
                ps.setString(1, state.path("tenant").asText());
                ps.setString(2, "+4930" + national);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rs.getString(2);
                    }
                }
                sql.recordNanos(System.nanoTime() - t1);
            }
        }
        ObjectNode result = MAPPER.createObjectNode();
        result.set("api", api.toJson());
        result.set("sql", sql.toJson());
        result.put("api_p95", api.percentileMillis(95)).put("sql_p95", sql.percentileMillis(95))
                .put("customers", customers).put("misses", misses);
        return result;
    }

    // ---- outbound: what reached the Graph API fake (GraphFake counts it) ----

    private static ObjectNode sends(String graph, JsonNode state) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(graph + "/__stats")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return (ObjectNode) MAPPER.readTree(r.body());
    }

    // ---- helpers ----

    static String webhookBody(String phoneNumberId, String waId, String wamid, String text) {
        return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"WABA\",\"changes\":[{\"field\":\"messages\","
                + "\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550001111\","
                + "\"phone_number_id\":\"" + phoneNumberId + "\"},\"contacts\":[{\"profile\":{\"name\":\"Bench "
                + waId.substring(waId.length() - 4) + "\"},\"wa_id\":\"" + waId + "\"}],\"messages\":[{\"from\":\""
                + waId + "\",\"id\":\"" + wamid + "\",\"timestamp\":\"" + Instant.now().getEpochSecond()
                + "\",\"type\":\"text\",\"text\":{\"body\":\"" + text + "\"}}]}}]}]}";
    }

    static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }


}
