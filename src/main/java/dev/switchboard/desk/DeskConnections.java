package dev.switchboard.desk;

import dev.switchboard.ops.Invalidations;
import dev.switchboard.tenants.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The desk sockets open on this node, by tenant and agent. */
@ApplicationScoped
class DeskConnections {
    private final Map<String, DeskConnection> byId = new ConcurrentHashMap<>();
    private final ExecutorService replays = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "desk-feed-replay");
        t.setDaemon(true);
        return t;
    });

    ExecutorService replays() {
        return replays;
    }

    void add(DeskConnection connection) {
        byId.put(connection.id(), connection);
    }

    DeskConnection remove(String id) {
        return byId.remove(id);
    }

    /** Hands numbered changes to every socket of their tenant, in cursor order. */
    void deliver(List<FeedSequencer.Numbered> rows) {
        Map<TenantId, List<FeedSequencer.Numbered>> byTenant = new HashMap<>();
        rows.forEach(row -> byTenant.computeIfAbsent(row.tenant(), t -> new ArrayList<>()).add(row));
        for (DeskConnection connection : byId.values()) {
            List<FeedSequencer.Numbered> mine = byTenant.get(connection.agent().tenant());
            if (mine != null) {
                connection.offer(mine);
            }
        }
    }

    boolean hasTenant(TenantId tenant) {
        return byId.values().stream().anyMatch(c -> c.agent().tenant().equals(tenant));
    }

    Set<TenantId> tenants() {
        Set<TenantId> tenants = new HashSet<>();
        byId.values().forEach(c -> tenants.add(c.agent().tenant()));
        return tenants;
    }

    /** The lowest cursor a socket of the tenant has sent: what follows it is due to some socket here. */
    OptionalLong floor(TenantId tenant) {
        return byId.values().stream().filter(c -> c.agent().tenant().equals(tenant)).mapToLong(DeskConnection::sent)
                .min();
    }

    /** An agent deactivated on any node: its sockets here close at once. */
    void onDeactivated(@Observes Invalidations.Invalidated invalidated) {
        if (DeskAgents.CACHE.equals(invalidated.cache()) && !invalidated.key().isEmpty()) {
            closeAgent(UUID.fromString(invalidated.key()));
        }
    }

    /** A deactivated agent's sockets are closed at once. */
    void closeAgent(UUID agentId) {
        byId.values().stream().filter(c -> c.agent().id().equals(agentId)).forEach(DeskConnection::close);
    }
}
