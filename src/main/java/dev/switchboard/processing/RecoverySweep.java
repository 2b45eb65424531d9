package dev.switchboard.processing;

import dev.switchboard.cluster.PartitionsAcquired;
import dev.switchboard.sessions.SessionStore;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Finds sessions whose processing cursor is behind their last inbound event (a crash, a missed
 * signal, a failed transaction) and schedules them. Runs at startup and every few seconds; it is
 * the safety net, not the hot path.
 */
@ApplicationScoped
public class RecoverySweep {
    private static final Logger LOG = Logger.getLogger(RecoverySweep.class);
    private static final int PAGE = 1000;

    private final SessionStore sessions;
    private final SessionScheduler scheduler;

    RecoverySweep(SessionStore sessions, SessionScheduler scheduler) {
        this.sessions = sessions;
        this.scheduler = scheduler;
    }

    void atStartup(@Observes StartupEvent ignored) {
        int found = sweep();
        if (found > 0) {
            LOG.infof("recovery: %d sessions have unprocessed events; scheduled", found);
        }
    }

    /** Partitions taken over from a node that stopped: their backlog is this node's now. */
    void onAcquired(@Observes PartitionsAcquired acquired) {
        sweep();
    }

    @Scheduled(every = "${switchboard.processing.sweep-interval:5s}", delayed = "${switchboard.processing.sweep-interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void periodic() {
        sweep();
    }

    /** Schedules every session that is behind; returns how many were found. */
    public int sweep() {
        if (!scheduler.isRunning()) {
            return 0;
        }
        int found = 0;
        long afterId = 0;
        List<Long> page;
        do {
            page = sessions.behind(afterId, PAGE);
            page.forEach(scheduler::signal);
            found += page.size();
            afterId = page.isEmpty() ? afterId : page.get(page.size() - 1);
        } while (page.size() == PAGE);
        return found;
    }
}
