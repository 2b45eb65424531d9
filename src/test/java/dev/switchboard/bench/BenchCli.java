package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

/** What the benchmark clients share: {@code --name value} options, admin calls, one JSON line per result. */
final class BenchCli {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private BenchCli() {
    }

    /** The options after the command word: {@code --name value} pairs. */
    static Map<String, String> options(String[] argv) {
        return options(argv, 1);
    }

    /** The {@code --name value} pairs from {@code argv[first]} on. */
    static Map<String, String> options(String[] argv, int first) {
        Map<String, String> options = new HashMap<>();
        for (int i = first; i + 1 < argv.length; i += 2) {
            options.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        return options;
    }

    /** A POST with the admin token (or a key) and a fresh Idempotency-Key that must answer 201. */
    static JsonNode create(String url, String bearer, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return MAPPER.readTree(r.body());
    }

    /** Labels a result, appends it to {@code out} as one JSON line and prints it. */
    static void record(ObjectNode result, String label, Path out) throws Exception {
        if (result == null) {
            return;
        }
        result.put("label", label).put("at", Instant.now().toString());
        Files.writeString(out, result + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println(result);
    }

    static JsonNode read(Path state) throws Exception {
        return MAPPER.readTree(Files.readString(state));
    }

    /** What an open loop does at each tick: the {@code i}th send, due at {@code intendedNanos}. */
    interface Tick {
        void at(int i, long intendedNanos) throws Exception;
    }

    /**
     * Ticks at {@code rate} per second from {@code start} until {@code end} (System.nanoTime), each
     * with its intended time: an open loop, which a slow server cannot slow down (latency counts from
     * the intended time, so queueing is not hidden). Returns the number of ticks.
     */
    static int openLoop(double rate, long start, long end, Tick tick) throws Exception {
        long interval = (long) (1e9 / rate);
        int i = 0;
        for (;; i++) {
            long intended = start + i * interval;
            if (intended >= end) {
                return i;
            }
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            tick.at(i, intended);
        }
    }
}
