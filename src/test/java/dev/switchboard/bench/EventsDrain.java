package dev.switchboard.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * bench/two-nodes.sh's consumer of domain events: {@code declare} binds a durable queue to the
 * exchange before the run; {@code drain} takes everything it holds and compares the events' ids with
 * the ids recorded in the database (one per line in {@code --ids}): missing, duplicates.
 */
public final class EventsDrain {
    private EventsDrain() {
    }

    public static void main(String[] argv) throws Exception {
        var args = BenchCli.options(argv);
        String queue = args.getOrDefault("queue", "bench-events");
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(args.getOrDefault("host", "localhost"));
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            if ("declare".equals(argv[0])) {
                channel.exchangeDeclare(args.getOrDefault("exchange", "switchboard.events"), "topic", true);
                channel.queueDeclare(queue, true, false, false, null);
                channel.queuePurge(queue);
                channel.queueBind(queue, args.getOrDefault("exchange", "switchboard.events"), "#");
                return;
            }
            Map<String, Integer> received = new HashMap<>();
            long quietSince = System.nanoTime();
            while (System.nanoTime() - quietSince < 3_000_000_000L) {
                GetResponse response = channel.basicGet(queue, true);
                if (response == null) {
                    Thread.sleep(50);
                    continue;
                }
                quietSince = System.nanoTime();
                String id = BenchCli.MAPPER.readTree(new String(response.getBody(), StandardCharsets.UTF_8))
                        .path("id").asText();
                received.merge(id, 1, Integer::sum);
            }
            Set<String> recorded = new HashSet<>();
            Files.readAllLines(Path.of(args.get("ids"))).stream().map(String::trim).filter(l -> !l.isEmpty())
                    .forEach(recorded::add);
            long missing = recorded.stream().filter(id -> !received.containsKey(id)).count();
            long duplicates = received.values().stream().mapToLong(n -> n - 1).sum();
            ObjectNode result = BenchCli.MAPPER.createObjectNode().put("recorded", recorded.size())
                    .put("received", received.values().stream().mapToInt(Integer::intValue).sum())
                    .put("unique", received.size()).put("missing", missing).put("duplicates", duplicates)
                    .put("errors", missing);
            BenchCli.record(result, "broker", Path.of(args.get("out")));
            if (missing > 0) {
                System.exit(2);
            }
        }
    }
}
