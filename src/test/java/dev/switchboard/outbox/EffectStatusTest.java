package dev.switchboard.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every effect status is either delivery lag or settled (what retention may delete), never both. */
class EffectStatusTest {
    @Test
    void lagAndSettledDivideTheStatusesBetweenThem() {
        Set<EffectStatus> both = EnumSet.copyOf(EffectStatus.LAG);
        both.retainAll(EffectStatus.SETTLED);
        assertTrue(both.isEmpty(), "lag and settled at once: " + both);
        Set<EffectStatus> either = EnumSet.copyOf(EffectStatus.LAG);
        either.addAll(EffectStatus.SETTLED);
        assertEquals(EnumSet.allOf(EffectStatus.class), either, "a status that is neither lag nor settled");
    }

    @Test
    void theSettledStatusesAreOneSqlList() {
        assertEquals("('awaiting_client', 'sent', 'dead', 'undeliverable', 'discarded')", EffectStatus.SETTLED_SQL);
    }
}
