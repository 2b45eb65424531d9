package dev.switchboard.processing;

import java.sql.SQLException;

/**
 * Tells an outage (the database unreachable, overloaded, shutting down, a deadlock) from a failure
 * of the event itself. An outage is retried for as long as it lasts and never quarantines an event:
 * it would otherwise stop every busy session at once.
 */
final class FailureKind {
    private FailureKind() {
    }

    static boolean isOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                // no state: the pool or driver could not reach the server; 08 connection, 40 rollback
                // (deadlock, serialization), 53 resources, 57 operator intervention, 58 system error
                return state == null || state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
                        || state.startsWith("57") || state.startsWith("58");
            }
        }
        return false;
    }
}
