package dev.switchboard.channels.web;

import dev.switchboard.sessions.SessionAddress;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The chat sockets open on this node, by session. */
@ApplicationScoped
class ConnectionRegistry {
    private final ConcurrentHashMap<SessionAddress, Set<ChatConnection>> bySession = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ChatConnection> byId = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();

    ConnectionRegistry(MeterRegistry registry) {
        Gauge.builder("switchboard.web.sockets.open", open, AtomicInteger::get)
                .description("Open chat WebSocket connections").register(registry);
    }

    void add(ChatConnection connection) {
        byId.put(connection.id(), connection);
        bySession.computeIfAbsent(connection.address(), a -> ConcurrentHashMap.newKeySet()).add(connection);
        open.incrementAndGet();
    }

    void remove(String connectionId) {
        ChatConnection connection = byId.remove(connectionId);
        if (connection == null) {
            return;
        }
        open.decrementAndGet();
        bySession.computeIfPresent(connection.address(), (address, set) -> {
            set.remove(connection);
            return set.isEmpty() ? null : set;
        });
    }

    ChatConnection byId(String connectionId) {
        return byId.get(connectionId);
    }

    Set<ChatConnection> forSession(SessionAddress address) {
        return bySession.getOrDefault(address, Set.of());
    }
}
