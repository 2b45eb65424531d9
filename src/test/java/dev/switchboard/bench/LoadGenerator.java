package dev.switchboard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Switchboard's load generator: N chat sessions over real WebSockets, closed loop (each session
 * sends its next message when the reply to the last one arrives) or open loop (messages at a fixed
 * total rate, timed from their intended send time so a stalled server cannot hide its queueing).
 * Prints a one-line JSON result and appends it to --out. Exits 2 if the contract was broken
 * (a message without exactly one reply, a reply out of order, an effect seq gap or repeat).
 *
 * <pre>
 * java -cp target/test-classes:$(cat target/bench.classpath) dev.switchboard.bench.LoadGenerator \
 *      --url http://localhost:8080 --key sb_… --mode closed --sessions 64 --duration 20
 * </pre>
 */
public final class LoadGenerator {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private LoadGenerator() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = parse(argv);
        URI base = URI.create(args.getOrDefault("url", "http://localhost:8080").replaceFirst("^http", "ws"));
        String apiKey = required(args, "key");
        String mode = args.getOrDefault("mode", "closed");
        int sessions = Integer.parseInt(args.getOrDefault("sessions", "64"));
        int senders = Integer.parseInt(args.getOrDefault("senders", String.valueOf(sessions)));
        double rate = Double.parseDouble(args.getOrDefault("rate", "0"));
        int warmup = Integer.parseInt(args.getOrDefault("warmup", "5"));
        int duration = Integer.parseInt(args.getOrDefault("duration", "20"));
        String label = args.getOrDefault("label", mode);
        String prefix = args.getOrDefault("prefix", "bench-" + UUID.randomUUID().toString().substring(0, 8));
        if (!mode.equals("closed") && !mode.equals("open")) {
            throw new IllegalArgumentException("--mode is closed or open");
        }
        if (mode.equals("open") && rate <= 0) {
            throw new IllegalArgumentException("--rate is required in open loop");
        }

        Run run = new Run();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(sessions));
        long[] endOfSending = {Long.MAX_VALUE};
        List<BenchSession> all = connect(vertx, client, base, apiKey, prefix, sessions, run,
                mode.equals("closed") ? s -> {
                    long now = System.nanoTime();
                    if (now < endOfSending[0]) {
                        s.send(now);
                    }
                } : null);
        List<BenchSession> sending = all.subList(0, Math.min(senders, all.size()));

        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(duration);
        run.window(measureFrom, end);
        endOfSending[0] = end;
        if (mode.equals("closed")) {
            sending.forEach(s -> s.send(System.nanoTime()));
            sleepUntil(end);
        } else {
            pace(sending, rate, start, end);
        }
        long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < drainDeadline && all.stream().anyMatch(s -> s.outstanding() > 0)) {
            Thread.sleep(20);
        }
        List<String> missing = new ArrayList<>();
        all.forEach(s -> s.reportMissing(missing));
        missing.forEach(run::error);
        all.forEach(BenchSession::close);

        ObjectNode result = MAPPER.createObjectNode();
        result.put("label", label);
        result.put("mode", mode);
        result.put("sessions", sessions);
        result.put("senders", sending.size());
        result.put("offeredRate", rate);
        result.put("durationSeconds", duration);
        result.put("throughput", run.measuredReplies() / (double) duration);
        result.set("acceptedMs", run.accepted().toJson());
        result.set("replyMs", run.reply().toJson());
        result.put("errors", run.errorCount());
        ArrayNode errors = result.putArray("errorSamples");
        run.errors().forEach(errors::add);
        result.put("ok", run.errorCount() == 0);
        String line = MAPPER.writeValueAsString(result);
        System.out.println(line);
        if (args.containsKey("out")) {
            Files.writeString(Path.of(args.get("out")), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        System.exit(run.errorCount() == 0 ? 0 : 2);
    }

    private static List<BenchSession> connect(Vertx vertx, WebSocketClient client, URI base, String apiKey, String prefix, int count,
            Run run, java.util.function.Consumer<BenchSession> onReply) {
        List<BenchSession> sessions = new ArrayList<>(count);
        int batch = 250;
        for (int from = 0; from < count; from += batch) {
            List<CompletableFuture<BenchSession>> opening = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + batch); i++) {
                opening.add(BenchSession.open(vertx, client, base, apiKey, prefix + "-" + i, run, onReply));
            }
            opening.forEach(f -> sessions.add(f.join()));
        }
        return sessions;
    }

    /** Open loop: message i is due at start + i / rate, round-robin over the sending sessions. */
    private static void pace(List<BenchSession> sending, double rate, long start, long end) {
        double intervalNanos = 1e9 / rate;
        for (long i = 0;; i++) {
            long due = start + (long) (i * intervalNanos);
            if (due >= end) {
                return;
            }
            sleepUntil(due);
            sending.get((int) (i % sending.size())).send(due);
        }
    }

    private static void sleepUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    private static Map<String, String> parse(String[] argv) {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("arguments are --name value pairs: " + String.join(" ", argv));
            }
            args.put(argv[i].substring(2), argv[++i]);
        }
        return args;
    }

    private static String required(Map<String, String> args, String name) {
        String value = args.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
