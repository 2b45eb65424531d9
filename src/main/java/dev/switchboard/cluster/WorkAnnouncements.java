package dev.switchboard.cluster;

import dev.switchboard.events.EventAppended;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A message stored on a node that does not own its session's partition is announced on Redis, so
 * that its owner starts on it at once instead of at its next recovery sweep. A lost announcement
 * (Redis down) costs that latency only: the sweep finds the work anyway.
 */
@ApplicationScoped
class WorkAnnouncements {
    static final String CHANNEL = "switchboard:work";

    private final ReactivePubSubCommands<String> pubsub;
    private final Leases leases;
    private final Event<WorkAnnounced> announced;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final AtomicBoolean subscribing = new AtomicBoolean();
    private volatile ReactivePubSubCommands.ReactiveRedisSubscriber subscriber;

    WorkAnnouncements(ReactiveRedisDataSource redis, Leases leases, Event<WorkAnnounced> announced) {
        this.pubsub = redis.pubsub(String.class);
        this.leases = leases;
        this.announced = announced;
    }

    void start(@Observes StartupEvent ignored) {
        subscribe();
    }

    void stop(@Observes ShutdownEvent ignored) {
        ReactivePubSubCommands.ReactiveRedisSubscriber current = subscriber;
        if (current != null) {
            current.unsubscribe().subscribe().with(ok -> {
            }, failure -> {
            });
        }
    }

    @Scheduled(every = "${switchboard.cluster.renew-interval:2s}")
    void keepSubscribed() {
        if (!subscribed.get()) {
            subscribe();
        }
    }

    private void subscribe() {
        if (!subscribing.compareAndSet(false, true)) {
            return;
        }
        pubsub.subscribe(CHANNEL, this::onAnnouncement, () -> subscribed.set(false), failure -> subscribed.set(false))
                .subscribe().with(s -> {
                    subscriber = s;
                    subscribed.set(true);
                    subscribing.set(false);
                }, failure -> subscribing.set(false));
    }

    void onAppended(@Observes(during = TransactionPhase.AFTER_SUCCESS) EventAppended appended) {
        if (!leases.owns(appended.sessionId())) {
            pubsub.publish(CHANNEL, Long.toString(appended.sessionId())).subscribe().with(ok -> {
            }, failure -> {
            });
        }
    }

    void onAnnouncement(String sessionId) {
        try {
            long id = Long.parseLong(sessionId);
            if (leases.owns(id)) {
                announced.fire(new WorkAnnounced(id));
            }
        } catch (NumberFormatException ignored) {
            // not ours to read
        }
    }
}
