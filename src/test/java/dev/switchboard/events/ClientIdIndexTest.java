package dev.switchboard.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A client message id is unique within its session, and only events that carry one are in its index:
 * the derived events, most of the log, cost it no entry (ADR 0025). That a repeat is still refused
 * is {@code AppendBatchTest}'s and {@code IdempotencyKeyTest}'s to show.
 */
@QuarkusTest
class ClientIdIndexTest {
    @Inject
    DataSource dataSource;

    @Test
    void onlyEventsWithAClientIdAreInItsUniqueIndex() {
        String definition = new Db(dataSource).text("SELECT pg_get_indexdef('events_client_msg_id'::regclass)");
        assertEquals("CREATE UNIQUE INDEX events_client_msg_id ON events USING btree (session_id, client_msg_id) "
                + "WHERE (client_msg_id IS NOT NULL)", definition.replaceAll(" ON \\w+\\.events ", " ON events "));
    }
}
