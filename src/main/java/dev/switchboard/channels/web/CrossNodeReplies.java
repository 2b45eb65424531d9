package dev.switchboard.channels.web;

import dev.switchboard.ops.RedisChannels;
import dev.switchboard.outbox.Effect;
import dev.switchboard.outbox.EffectsCommitted;
import dev.switchboard.outbox.Outbox;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.tenants.DatabaseScope;
import dev.switchboard.tenants.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Live web replies across nodes (issue 15, part): a node that commits replies announces them on a
 * Redis channel (ids and seqs only, never content); a node that holds a socket of that session reads
 * them from the database, the truth, and offers them to the socket like its own. A lost announcement
 * (Redis down, a node restarting) costs latency only: the socket's next reply or its client's resume
 * finds the gap and replays it. Redis down: this node keeps serving its own sockets; readiness says
 * degraded; the subscription is renewed when Redis is back.
 */
@ApplicationScoped
@Startup // listens on Redis from the start, whether or not anything here has been used yet
public class CrossNodeReplies {
    static final String CHANNEL = "switchboard:replies";
    private static final int PAGE = 200;

    private final ConnectionRegistry registry;
    private final Outbox outbox;
    private final MeterRegistry metrics;
    private final RedisChannels channels;
    private final Counter polled;
    /**
     * Reads for announced replies, off Redis's event loop; bounded: beyond it, resumes catch up. Four
     * threads from the start: a pool grows past its core size only when its queue is full, so one core
     * thread had read every cross-node reply in turn.
     */
    private final ThreadPoolExecutor readers = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(10_000), r -> {
                Thread t = new Thread(r, "cross-node-replies");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.AbortPolicy());

    CrossNodeReplies(RedisChannels channels, ConnectionRegistry registry, Outbox outbox, MeterRegistry metrics) {
        this.channels = channels;
        channels.listen(CHANNEL, this::onAnnouncement);
        channels.afterSubscribing(() -> {
            try {
                readers.execute(this::catchUp);
            } catch (RejectedExecutionException e) {
                // full: the next announcement or a resume catches up
            }
        });
        this.registry = registry;
        this.outbox = outbox;
        this.metrics = metrics;
        this.polled = metrics.counter("switchboard.web.cross.node.polls");
        readers.allowCoreThreadTimeOut(true);
    }

    void stop(@Observes ShutdownEvent ignored) {
        readers.shutdownNow();
    }

    /**
     * Without the subscription no announcement arrives: every second, this node's sockets that lack
     * their session's newest reply replay it from the database (one query for all of them); once more
     * when the subscription is back, for what was committed in between.
     */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void pollWhileUnsubscribed() {
        if (!channels.subscribed()) {
            catchUp();
        }
    }

    private void catchUp() {
        Map<Long, List<ChatConnection>> sockets = registry.bySessionId();
        if (sockets.isEmpty()) {
            return;
        }
        Map<Long, Long> latest = DatabaseScope.system("web: replies while Redis is away",
                () -> outbox.latestSeqs(sockets.keySet(), SessionAddress.WEB));
        latest.forEach((sessionId, seq) -> sockets.getOrDefault(sessionId, List.of())
                .forEach(socket -> socket.catchUpTo(seq)));
        polled.increment();
    }

    /** Runs on the committing thread: hands the announcement to Redis and returns. */
    void onCommitted(@Observes(during = TransactionPhase.AFTER_SUCCESS) EffectsCommitted committed) {
        List<Effect> web = committed.effects().stream().filter(e -> SessionAddress.WEB.equals(e.address().channel()))
                .toList();
        if (web.isEmpty()) {
            return;
        }
        Effect first = web.get(0);
        String announcement = String.join("|", first.address().tenant().toString(),
                Announcements.encode(first.address().key()),
                Long.toString(committed.sessionId()), Long.toString(first.seq()), Long.toString(web.get(web.size() - 1).seq()));
        channels.announce(CHANNEL, announcement,
                () -> metrics.counter("switchboard.web.cross.node.announcements", "outcome", "failed").increment());
    }

    /** Another node committed replies: this node's sockets of the session get them from the database. */
    void onAnnouncement(String announcement) {
        String[] parts = announcement.split("\\|", -1);
        if (parts.length != 5) {
            return;
        }
        try {
            SessionAddress address = SessionAddress.web(new TenantId(UUID.fromString(parts[0])),
                    Announcements.decode(parts[1]));
            Set<ChatConnection> sockets = registry.forSession(address);
            if (sockets.isEmpty()) {
                return;
            }
            long sessionId = Long.parseLong(parts[2]);
            long from = Long.parseLong(parts[3]);
            long to = Long.parseLong(parts[4]);
            readers.execute(() -> {
                List<Effect> effects = DatabaseScope.asTenant(address.tenant(),
                        () -> outbox.page(sessionId, SessionAddress.WEB, from - 1, to, PAGE));
                for (Effect effect : effects) {
                    sockets.forEach(socket -> socket.offer(effect));
                }
                metrics.counter("switchboard.web.cross.node.announcements", "outcome", "delivered").increment();
            });
        } catch (IllegalArgumentException | RejectedExecutionException e) {
            metrics.counter("switchboard.web.cross.node.announcements", "outcome", "dropped").increment();
        }
    }
}
