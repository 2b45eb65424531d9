package dev.switchboard.channels.web;

import dev.switchboard.sessions.SessionAddress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** The chat sockets open on this node, by session, and the executor that replays effects to them. */
@ApplicationScoped
class ConnectionRegistry {
    private final WebChatConfig config;
    private final Replays replays;
    private final SocketCounters counters;
    private final ConcurrentHashMap<SessionAddress, Set<ChatConnection>> bySession = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ChatConnection> byId = new ConcurrentHashMap<>();
    /** Sockets whose open callback is still running: a frame that overtakes it waits for it. */
    private final ConcurrentHashMap<String, CompletableFuture<ChatConnection>> opening = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();

    ConnectionRegistry(WebChatConfig config, MeterRegistry registry) {
        this.config = config;
        this.replays = new Replays(config.replayThreads(), config.replayFramesPerSecond());
        this.counters = new SocketCounters(Counter.builder("switchboard.web.sockets.closed.too.slow")
                .description("Chat sockets closed because their client did not read its frames").register(registry),
                Counter.builder("switchboard.web.send.failures")
                        .description("Frames a chat socket failed to write (the client resumes what it missed)")
                        .register(registry));
        Gauge.builder("switchboard.web.sockets.open", open, AtomicInteger::get)
                .description("Open chat WebSocket connections").register(registry);
    }

    void add(ChatConnection connection) {
        byId.put(connection.id(), connection);
        bySession.computeIfAbsent(connection.address(), a -> ConcurrentHashMap.newKeySet()).add(connection);
        open.incrementAndGet();
    }

    void remove(String connectionId) {
        opening.remove(connectionId);
        ChatConnection connection = byId.remove(connectionId);
        if (connection == null) {
            return;
        }
        open.decrementAndGet();
        connection.closed();
        bySession.computeIfPresent(connection.address(), (address, set) -> {
            set.remove(connection);
            return set.isEmpty() ? null : set;
        });
    }

    ChatConnection byId(String connectionId) {
        return byId.get(connectionId);
    }

    /**
     * The socket's open callback is done ({@code connection} null when it failed): frames that
     * overtook it go on ({@link #await}).
     */
    void opened(String connectionId, ChatConnection connection) {
        opening.computeIfAbsent(connectionId, id -> new CompletableFuture<>()).complete(connection);
        opening.remove(connectionId);
    }

    /** The connection of {@code connectionId} if its open callback has run; never waits. */
    ChatConnection find(String connectionId) {
        return byId.get(connectionId);
    }

    /**
     * The connection of {@code connectionId}, waiting up to {@code timeout} for its open callback:
     * the server may run a frame's callback on another thread before, or while, it runs the open
     * one. Null when the socket never opened.
     */
    ChatConnection await(String connectionId, Duration timeout) {
        ChatConnection connection = byId.get(connectionId);
        if (connection != null) {
            return connection;
        }
        CompletableFuture<ChatConnection> open = opening.computeIfAbsent(connectionId, id -> new CompletableFuture<>());
        connection = byId.get(connectionId); // opened between the two looks
        if (connection != null) {
            opening.remove(connectionId, open);
            return connection;
        }
        try {
            return open.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            opening.remove(connectionId, open);
            return null;
        }
    }

    Set<ChatConnection> forSession(SessionAddress address) {
        return bySession.getOrDefault(address, Set.of());
    }

    /** Every connection whose session is known, by session id. */
    Map<Long, List<ChatConnection>> bySessionId() {
        Map<Long, List<ChatConnection>> all = new HashMap<>();
        byId.values().forEach(connection -> {
            long id = connection.sessionId();
            if (id >= 0) {
                all.computeIfAbsent(id, k -> new ArrayList<>()).add(connection);
            }
        });
        return all;
    }

    Replays replays() {
        return replays;
    }

    /** What every connection counts: slow-consumer disconnects and failed writes. */
    record SocketCounters(Counter closedTooSlow, Counter sendFailures) {
    }

    SocketCounters counters() {
        return counters;
    }

    /** Closes sockets whose client stopped reading (a paused replay or unwritten live frames). */
    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void closeStalled() {
        long now = System.nanoTime();
        long timeout = config.slowClientTimeout().toNanos();
        byId.values().forEach(connection -> connection.closeIfStalled(now, timeout));
    }

    void shutdown(@Observes ShutdownEvent ignored) {
        replays.shutdown();
    }
}
