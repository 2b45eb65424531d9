package dev.switchboard.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's Graph API: answers every {@code POST /v21.0/{number}/messages} at once with a new
 * wamid and counts the sends per number and second ({@code GET /__stats}). A Vert.x server: lighter
 * than WireMock, whose request journal and templating would take the CPU the service is measured on,
 * and without the JDK server's delayed-ACK stalls on kept-alive connections.
 */
public final class GraphFake {
    private static final AtomicLong WAMIDS = new AtomicLong();
    private static final Map<String, Map<Long, Integer>> PER_SECOND = new ConcurrentHashMap<>();
    private static final AtomicLong TOTAL = new AtomicLong();
    private static volatile long first;
    private static volatile long last;

    private GraphFake() {
    }

    public static void main(String[] args) {
        Vertx.vertx().createHttpServer().requestHandler(GraphFake::handle).listen(Integer.parseInt(args[0]), "127.0.0.1");
    }

    private static void handle(HttpServerRequest request) {
        if (request.path().equals("/__stats")) {
            stats(request);
            return;
        }
        request.body().onComplete(ignored -> {
            String number = request.path().replaceAll("^/v21\\.0/([0-9]+)/messages$", "$1");
            long now = System.currentTimeMillis();
            if (first == 0) {
                first = now;
            }
            last = now;
            TOTAL.incrementAndGet();
            PER_SECOND.computeIfAbsent(number, n -> new ConcurrentHashMap<>()).merge(now / 1000, 1, Integer::sum);
            request.response().putHeader("Content-Type", "application/json")
                    .end("{\"messaging_product\":\"whatsapp\",\"messages\":[{\"id\":\"wamid.bench"
                            + WAMIDS.incrementAndGet() + "\"}]}");
        });
    }

    private static void stats(HttpServerRequest request) {
        int busiest = 0;
        for (Map<Long, Integer> seconds : PER_SECOND.values()) {
            for (int n : new TreeMap<>(seconds).values()) {
                busiest = Math.max(busiest, n);
            }
        }
        double span = Math.max(1, (last - first) / 1000.0);
        request.response().putHeader("Content-Type", "application/json").end("{\"sends\":" + TOTAL.get()
                + ",\"numbers\":" + PER_SECOND.size() + ",\"sends_per_s\":" + TOTAL.get() / span
                + ",\"busiest_number_second\":" + busiest + "}");
    }
}
