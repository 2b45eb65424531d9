package dev.switchboard.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Every message updates its session row twice. An update can be HOT (no new index entries) only if
 * no index of the table names a column it changes, in its key or its predicate (ADR 0024), so no
 * index of {@code sessions} may name the columns of the append's and the processing's updates.
 */
@QuarkusTest
class HotUpdatesTest {
    /** What the append (seq reservation) and the processing commit change on every message. */
    private static final List<String> UPDATED_PER_MESSAGE = List.of("last_seq", "last_inbound_seq",
            "prior_inbound_seq", "processed_seq", "effect_seq", "version", "state", "data", "checksum",
            "last_activity_at");

    @Inject
    DataSource dataSource;

    @Test
    void noIndexOfTheSessionsTableNamesAColumnEveryMessageUpdates() {
        Db db = new Db(dataSource);
        String definitions = db.text("SELECT string_agg(pg_get_indexdef(indexrelid), E'\\n') FROM pg_index "
                + "WHERE indrelid = 'sessions'::regclass");
        assertTrue(definitions != null && definitions.contains("sessions_pkey"), "the indexes are read: " + definitions);
        for (String column : UPDATED_PER_MESSAGE) {
            assertTrue(!Pattern.compile("\\b" + column + "\\b").matcher(definitions).find(),
                    "an index names " + column + ", which every message updates:\n" + definitions);
        }
    }

    @Test
    void theSessionsTableLeavesRoomOnEachPageForTheNewVersionsOfItsRows() {
        Db db = new Db(dataSource);
        assertEquals("fillfactor=80", db.text("SELECT array_to_string(reloptions, ',') FROM pg_class "
                + "WHERE oid = 'sessions'::regclass"));
    }
}
