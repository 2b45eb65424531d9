package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The client of bench/two-nodes.sh's failover scenarios: customers' messages over REST through the
 * load balancer at a fixed rate, each retried with its own Idempotency-Key until accepted (as a
 * client that lost its connection to a dying node does), then a check by reading every session's
 * messages back through the load balancer: each accepted message answered exactly once.
 *
 * <pre>
 * java -cp … dev.switchboard.bench.FailoverLoad send --url … --key … --prefix kill --sessions 100 --rate 100 --duration 30
 * java -cp … dev.switchboard.bench.FailoverLoad check --url … --key … --prefix kill --sessions 100
 * </pre>
 */
public final class FailoverLoad {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).executor(Executors.newFixedThreadPool(4)).build();
    /** 40 s of retries: a key whose request died with its node stays locked for the 30 s lock timeout (409). */
    private static final int ATTEMPTS = 160;

    private FailoverLoad() {
    }

    public static void main(String[] argv) throws Exception {
        var args = BenchCli.options(argv);
        String url = args.getOrDefault("url", "http://localhost:8090");
        String key = args.get("key");
        String prefix = args.getOrDefault("prefix", "failover");
        int sessions = Integer.parseInt(args.getOrDefault("sessions", "100"));
        ObjectNode result = switch (argv[0]) {
            case "send" -> send(url, key, prefix, sessions, Double.parseDouble(args.getOrDefault("rate", "100")),
                    Integer.parseInt(args.getOrDefault("duration", "30")));
            case "check" -> check(url, key, prefix, sessions);
            default -> throw new IllegalArgumentException("send|check");
        };
        BenchCli.record(result, args.getOrDefault("label", argv[0]), Path.of(args.get("out")));
        System.exit(result.path("errors").asInt() > 0 ? 2 : 0); // the client's pool threads would keep it alive

    }

    private static ObjectNode send(String url, String key, String prefix, int sessions, double rate, int seconds)
            throws Exception {
        LatencyRecorder latency = new LatencyRecorder();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        AtomicInteger gaveUp = new AtomicInteger();
        java.util.Map<Integer, Integer> lastStatuses = new java.util.concurrent.ConcurrentHashMap<>();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        BenchCli.openLoop(rate, start, end, (i, intended) -> {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/api/v1/sessions/" + prefix + "-" + (i % sessions)
                    + "/messages")).timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + key).header("Idempotency-Key", UUID.randomUUID().toString())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"m" + i + "\",\"text\":\"hello\"}")).build();
            sent.add(attempt(request, 1, retries).handle((status, failure) -> {
                if (failure == null && status == 202) {
                    accepted.incrementAndGet();
                    latency.recordNanos(System.nanoTime() - intended);
                } else {
                    gaveUp.incrementAndGet();
                    lastStatuses.merge(failure == null ? status : -1, 1, Integer::sum);
                }
                return null;
            }));
        });
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        ObjectNode result = latency.toJson();
        result.put("sent", sent.size()).put("accepted", accepted.get()).put("retries", retries.get())
                .put("errors", gaveUp.get());
        ObjectNode gaveUpWith = result.putObject("gaveUpWith");
        lastStatuses.forEach((status, n) -> gaveUpWith.put(String.valueOf(status), n));
        return result;
    }

    /** The same request (the same Idempotency-Key) until the service accepts it: a dead node's connection, a 5xx. */
    private static CompletableFuture<Integer> attempt(HttpRequest request, int n, AtomicInteger retries) {
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, failure) -> {
            int status = failure == null ? response.statusCode() : -1;
            if ((status == -1 || status >= 500 || status == 409) && n < ATTEMPTS) {
                retries.incrementAndGet();
                return CompletableFuture.runAsync(() -> LockSupport.parkNanos(250_000_000L))
                        .thenCompose(ignored -> attempt(request, n + 1, retries));
            }
            return CompletableFuture.completedFuture(status);
        }).thenCompose(f -> f);
    }

    /** Every session's messages through the load balancer: as many answers as messages, each seq once. */
    private static ObjectNode check(String url, String key, String prefix, int sessions) throws Exception {
        int in = 0;
        int out = 0;
        int errors = 0;
        for (int s = 0; s < sessions; s++) {
            int sessionIn = 0;
            int sessionOut = 0;
            long after = 0;
            java.util.Set<Long> seen = new java.util.HashSet<>();
            while (true) {
                HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/sessions/"
                        + prefix + "-" + s + "/messages?limit=200&afterSeq=" + after))
                        .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
                if (page.statusCode() == 404) {
                    break;
                }
                JsonNode items = BenchCli.MAPPER.readTree(page.body()).path("items");
                for (JsonNode item : items) {
                    if (!seen.add(item.path("seq").asLong())) {
                        errors++;
                    }
                    if ("in".equals(item.path("direction").asText())) {
                        sessionIn++;
                    } else {
                        sessionOut++;
                    }
                    after = Math.max(after, item.path("seq").asLong());
                }
                if (items.size() < 200) {
                    break;
                }
            }
            if (sessionIn != sessionOut) {
                errors++;
            }
            in += sessionIn;
            out += sessionOut;
        }
        return BenchCli.MAPPER.createObjectNode().put("messages", in).put("answers", out).put("errors", errors);
    }
}
