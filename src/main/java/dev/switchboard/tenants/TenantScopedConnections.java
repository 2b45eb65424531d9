package dev.switchboard.tenants;

import io.agroal.api.AgroalPoolInterceptor;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Sets every pooled connection, when it is handed out, to the current {@link DatabaseScope}: the
 * role (the restricted {@code switchboard_app}, or none for the owner) and {@code app.tenant_id},
 * which the row-level security policies compare with. Set on every hand-out, never cached: a
 * session setting made inside a transaction that rolls back reverts, so a remembered value could
 * lie. Off until start-up is done, so that Flyway migrates as the configured user.
 */
@ApplicationScoped
public class TenantScopedConnections implements AgroalPoolInterceptor {
    private volatile boolean active;

    void activate(@Observes @Priority(1) StartupEvent ignored) {
        active = true;
    }

    @Override
    public void onConnectionAcquire(Connection connection) {
        if (!active) {
            return;
        }
        DatabaseScope.Scope scope = DatabaseScope.current();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT set_config('role', ?, false), set_config('app.tenant_id', ?, false)")) {
            ps.setString(1, scope.role());
            ps.setString(2, scope.tenantId());
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException("could not scope a database connection to " + scope, e);
        }
    }
}
