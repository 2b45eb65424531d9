package dev.switchboard.processing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.events.EventAppended;
import dev.switchboard.events.StoredEvent;
import dev.switchboard.sessions.SessionState;
import dev.switchboard.sessions.SessionStatus;
import dev.switchboard.tenants.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The in-memory hand-over never lets an event overtake one the worker has not seen. */
class WarmSessionsTest {
    private static final TenantId TENANT = new TenantId(UUID.randomUUID());

    private static SessionState processedUpTo(long id, long seq) {
        return new SessionState(id, TENANT, "web", "k" + id, "idle", Map.of(), 3, seq, seq, SessionStatus.ACTIVE);
    }

    private static EventAppended appended(long id, long seq, long prior) {
        return new EventAppended(new StoredEvent(id, seq, "user_message", JsonNodeFactory.instance.objectNode(), null,
                null, Instant.now(), null), prior);
    }

    private static List<Long> seqs(List<StoredEvent> events) {
        return events.stream().map(StoredEvent::seq).toList();
    }

    @Test
    void handedEventsAreTakenInChainOrderWhateverOrderTheyArrivedIn() {
        WarmSessions warm = new WarmSessions(10);
        warm.committed(processedUpTo(1, 4));
        warm.appended(appended(1, 9, 7)); // its commit callback ran before the one of seq 7
        warm.appended(appended(1, 7, 4));
        assertEquals(List.of(7L, 9L), seqs(warm.next(1, 4, 32)));
        assertTrue(warm.next(1, 9, 32).isEmpty(), "taken once");
    }

    @Test
    void aMissingLinkStopsTheChainSoTheWorkerReadsTheLog() {
        WarmSessions warm = new WarmSessions(10);
        warm.committed(processedUpTo(1, 4));
        warm.appended(appended(1, 9, 7)); // seq 7 was appended on another path and never handed over
        assertTrue(warm.next(1, 4, 32).isEmpty());
        assertEquals(List.of(9L), seqs(warm.next(1, 7, 32)), "after the log gave it seq 7");
    }

    @Test
    void eventsAlreadyProcessedFromTheLogAreDropped() {
        WarmSessions warm = new WarmSessions(10);
        warm.committed(processedUpTo(1, 4));
        warm.appended(appended(1, 7, 4));
        warm.appended(appended(1, 9, 7));
        assertEquals(List.of(9L), seqs(warm.next(1, 7, 32)));
    }

    @Test
    void onlySessionsWithAKnownStateKeepHandedEventsAndTheLeastRecentlyUsedGoFirst() {
        WarmSessions warm = new WarmSessions(2);
        warm.appended(appended(1, 2, 0));
        assertTrue(warm.next(1, 0, 32).isEmpty(), "nothing kept for a session not processed here");
        warm.committed(processedUpTo(1, 2));
        warm.committed(processedUpTo(2, 2));
        warm.state(1);
        warm.committed(processedUpTo(3, 2));
        assertNull(warm.state(2));
        assertEquals(2, warm.state(1).processedSeq());
        warm.forget(1);
        assertNull(warm.state(1));
    }

    @Test
    void theChainIsTakenAtMostABatchAtATime() {
        WarmSessions warm = new WarmSessions(10);
        warm.committed(processedUpTo(1, 1));
        for (long seq = 2; seq <= 6; seq++) {
            warm.appended(appended(1, seq, seq - 1));
        }
        assertEquals(List.of(2L, 3L), seqs(warm.next(1, 1, 2)));
        assertEquals(List.of(4L, 5L, 6L), seqs(warm.next(1, 3, 32)));
    }
}
