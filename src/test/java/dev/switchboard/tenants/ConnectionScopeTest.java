package dev.switchboard.tenants;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A pooled connection skips setting its scope when it holds it already (ADR 0021): whatever came
 * before on that connection, every hand-out holds the scope current when it is handed out. The
 * traps: a scope set inside a transaction that rolls back reverts, so it must not count as held; and
 * so does one whose statement failed, even when the transaction manager then calls it committed.
 */
@QuarkusTest
class ConnectionScopeTest {
    private static final TenantId A = new TenantId(UUID.randomUUID());
    private static final TenantId B = new TenantId(UUID.randomUUID());

    @Inject
    DataSource dataSource;

    /** How the transaction of a hand-out ends; COMMIT_AFTER_ERROR commits what PostgreSQL aborted. */
    private enum Ending { COMMIT, ROLLBACK, AUTOCOMMIT, COMMIT_AFTER_ERROR }

    private record Step(String scope, Ending ending) {
    }

    @Test
    void everyHandOutHoldsTheScopeCurrentThenWhateverTheLastTransactionOnItDid() {
        List<Step> steps = new ArrayList<>();
        for (String scope : List.of("system", "a", "b")) {
            for (Ending ending : Ending.values()) {
                steps.add(new Step(scope, ending));
            }
        }
        // every step after every step: on one thread the pool hands out the same connection again and again
        int checked = 0;
        for (Step first : steps) {
            for (Step second : steps) {
                run(first);
                run(second);
                checked += 2;
            }
        }
        assertEquals(2 * steps.size() * steps.size(), checked);
    }

    private void run(Step step) {
        String expectedUser = step.scope().equals("system") ? "postgres" : "switchboard_app";
        String expectedTenant = switch (step.scope()) {
            case "a" -> A.toString();
            case "b" -> B.toString();
            default -> "";
        };
        Supplier<String> seen = () -> switch (step.ending()) {
            case AUTOCOMMIT -> read();
            case COMMIT -> QuarkusTransaction.requiringNew().call(this::read);
            case ROLLBACK -> rolledBack();
            case COMMIT_AFTER_ERROR -> QuarkusTransaction.requiringNew().call(() -> {
                String held = read();
                failOneStatement();
                return held;
            });
        };
        String held = switch (step.scope()) {
            case "a" -> DatabaseScope.asTenant(A, seen);
            case "b" -> DatabaseScope.asTenant(B, seen);
            default -> DatabaseScope.system("connection scope test", seen);
        };
        assertEquals(expectedUser + "/" + expectedTenant, held, "a hand-out in " + step);
    }

    /** What a transaction that then rolls back saw. */
    private String rolledBack() {
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                throw new RolledBack(read());
            });
        } catch (RolledBack e) {
            return e.getMessage();
        }
        throw new AssertionError("the transaction did not roll back");
    }

    private static final class RolledBack extends RuntimeException {
        RolledBack(String seen) {
            super(seen, null, false, false);
        }
    }

    /** A statement that fails, its error caught: PostgreSQL aborts the transaction, the code goes on. */
    private void failOneStatement() {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("SELECT 1 / 0");
            throw new AssertionError("division by zero succeeded");
        } catch (SQLException expected) {
            // swallowed on purpose
        }
    }

    private String read() {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_user, current_setting('app.tenant_id', true)")) {
            rs.next();
            return rs.getString(1) + "/" + rs.getString(2);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
