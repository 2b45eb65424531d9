package dev.switchboard.processing;

import dev.switchboard.events.EventAppended;
import dev.switchboard.events.StoredEvent;
import dev.switchboard.sessions.SessionState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sessions this node processed lately (ADR 0012): the state its last commit left, and the
 * inbound events appended since, handed over in memory by the append. An event is used only when the
 * inbound event before it is the last one processed, so a missed or reordered hand-over costs a read
 * of the log, never order. The state is trusted because the processing commit writes only while the
 * row still holds exactly that state, version and cursor; anything else makes it stale and reloaded.
 */
final class WarmSessions {
    /** Events handed over to one session and not processed yet, beyond which they are dropped. */
    private static final int MAX_HANDED = 64;

    private static final class Warm {
        SessionState state;
        /** By the seq of the inbound event before each: the chain the worker follows. */
        final Map<Long, StoredEvent> byPrior = new HashMap<>();
    }

    private final LinkedHashMap<Long, Warm> sessions;

    WarmSessions(int capacity) {
        this.sessions = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Warm> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The state the session's last commit on this node left; null when not known. */
    synchronized SessionState state(long sessionId) {
        Warm warm = sessions.get(sessionId);
        return warm == null ? null : warm.state;
    }

    /** Remembers a committed state. */
    synchronized void committed(SessionState state) {
        sessions.computeIfAbsent(state.id(), id -> new Warm()).state = state;
    }

    /** An inbound event committed; kept only for a session whose state is known here. */
    synchronized void appended(EventAppended appended) {
        Warm warm = sessions.get(appended.sessionId());
        if (warm == null || warm.state == null || appended.priorInboundSeq() < warm.state.processedSeq()) {
            return;
        }
        if (warm.byPrior.size() >= MAX_HANDED) {
            warm.byPrior.clear(); // the log has them all; the worker reads it
        }
        warm.byPrior.put(appended.priorInboundSeq(), appended.event());
    }

    /**
     * The events that follow {@code processedSeq} without a gap, in order, taken out; empty when the
     * next one was not handed over (the worker reads the log).
     */
    synchronized List<StoredEvent> next(long sessionId, long processedSeq, int limit) {
        Warm warm = sessions.get(sessionId);
        if (warm == null || warm.byPrior.isEmpty()) {
            return List.of();
        }
        warm.byPrior.keySet().removeIf(prior -> prior < processedSeq);
        List<StoredEvent> chain = new ArrayList<>(Math.min(limit, warm.byPrior.size()));
        long expected = processedSeq;
        StoredEvent event;
        while (chain.size() < limit && (event = warm.byPrior.remove(expected)) != null) {
            chain.add(event);
            expected = event.seq();
        }
        return chain;
    }

    synchronized void forget(long sessionId) {
        sessions.remove(sessionId);
    }
}
