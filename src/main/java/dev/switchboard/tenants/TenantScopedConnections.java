package dev.switchboard.tenants;

import io.agroal.api.AgroalPoolInterceptor;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * Sets every pooled connection, when it is handed out, to the current {@link DatabaseScope}: the
 * role (the restricted {@code switchboard_app}, or none for the owner) and {@code app.tenant_id},
 * which the row-level security policies compare with. Off until start-up is done, so that Flyway
 * migrates as the configured user.
 *
 * <p>A hand-out in the scope the connection already holds skips the statement (one round trip fewer
 * per transaction, ADR 0021). The scope a connection holds is remembered only once it is certain:
 * a session setting made inside a transaction that rolls back reverts, so it counts only after its
 * transaction committed (or at once, in autocommit); until then, and after anything else, the
 * connection holds nothing known and the next hand-out sets it again.
 */
@ApplicationScoped
public class TenantScopedConnections implements AgroalPoolInterceptor {
    private final TransactionSynchronizationRegistry transactions;
    /** Physical connection → the scope it was last set to, and whether that setting is certain. */
    private final Map<PGConnection, Setting> held = Collections.synchronizedMap(new WeakHashMap<>());
    private volatile boolean active;

    TenantScopedConnections(TransactionSynchronizationRegistry transactions) {
        this.transactions = transactions;
    }

    void activate(@Observes @Priority(1) StartupEvent ignored) {
        active = true;
    }

    @Override
    public void onConnectionAcquire(Connection connection) {
        if (!active) {
            return;
        }
        DatabaseScope.Scope scope = DatabaseScope.current();
        try {
            PGConnection physical = connection.unwrap(PGConnection.class);
            Setting last = held.get(physical);
            if (last != null && last.certain && last.scope.equals(scope)) {
                return;
            }
            held.remove(physical); // from here on, whatever happens, the connection holds nothing known
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT set_config('role', ?, false), set_config('app.tenant_id', ?, false)")) {
                ps.setString(1, scope.role());
                ps.setString(2, scope.tenantId());
                ps.execute();
            }
            remember(connection, physical, scope);
        } catch (SQLException e) {
            throw new IllegalStateException("could not scope a database connection to " + scope, e);
        }
    }

    /** One setting of a connection; its identity tells a late commit of an older setting from the current one. */
    private static final class Setting {
        final DatabaseScope.Scope scope;
        volatile boolean certain;

        Setting(DatabaseScope.Scope scope, boolean certain) {
            this.scope = scope;
            this.certain = certain;
        }
    }

    private void remember(Connection connection, PGConnection physical, DatabaseScope.Scope scope) throws SQLException {
        if (connection.getAutoCommit()) {
            held.put(physical, new Setting(scope, true));
            return;
        }
        Setting setting = new Setting(scope, false);
        held.put(physical, setting);
        if (transactions.getTransactionStatus() == Status.STATUS_ACTIVE) {
            transactions.registerInterposedSynchronization(new Synchronization() {
                private volatile boolean failed;

                @Override
                public void beforeCompletion() {
                    // an aborted PostgreSQL transaction answers COMMIT with a rollback, which the driver
                    // does not report: the transaction manager would then call it committed
                    failed = !(physical instanceof BaseConnection base)
                            || base.getTransactionState() == TransactionState.FAILED;
                }

                @Override
                public void afterCompletion(int status) {
                    // only if no later hand-out has set the connection since (it may already be in use again)
                    if (status == Status.STATUS_COMMITTED && !failed && held.get(physical) == setting) {
                        setting.certain = true;
                    }
                }
            });
        }
        // a transaction that is not JTA's: nothing tells how it ends, so nothing is remembered
    }
}
