package dev.switchboard.tenants;

import io.quarkus.arc.Arc;
import io.quarkus.arc.InstanceHandle;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Whose rows a database connection may see. A request with an authenticated tenant gets that
 * tenant (row-level security, role {@code switchboard_app}); a request without one sees nothing;
 * background work (no API request) runs on the system path, as the table owner. Code that must cross
 * tenants inside a request (the admin API, authentication) says so explicitly with
 * {@link #system(String, Supplier)}, which is logged.
 */
public final class DatabaseScope {
    private static final Logger AUDIT = Logger.getLogger("dev.switchboard.audit");
    private static final ThreadLocal<Scope> EXPLICIT = new ThreadLocal<>();

    /** What a connection is set to: a tenant, nobody, or the system. */
    public record Scope(String role, String tenantId) {
        static final Scope SYSTEM = new Scope("none", "");
        static final Scope NOBODY = new Scope("switchboard_app", "");

        static Scope tenant(TenantId tenant) {
            return new Scope("switchboard_app", tenant.toString());
        }
    }

    private DatabaseScope() {
    }

    /** Runs {@code work} with connections limited to one tenant's rows. */
    public static <T> T asTenant(TenantId tenant, Supplier<T> work) {
        return with(Scope.tenant(tenant), work);
    }

    public static void asTenant(TenantId tenant, Runnable work) {
        with(Scope.tenant(tenant), () -> {
            work.run();
            return null;
        });
    }

    /** Runs {@code work} across tenants, from inside a request; always audited. */
    public static <T> T system(String why, Supplier<T> work) {
        AUDIT.infof("system database access: %s", why);
        return with(Scope.SYSTEM, work);
    }

    /** Authentication must find a key before it knows the tenant: system path, not audited per call. */
    public static <T> T forAuthentication(Supplier<T> work) {
        return with(Scope.SYSTEM, work);
    }

    /**
     * Runs a group commit's batch on the thread that submitted it ({@code GroupCommitter}'s caller-runs
     * path), on the system path as its writer thread runs every batch; false, without running it, when
     * the caller is not on the system path already (the request then goes to the writer). It never
     * widens a scope, so it is no way around the audit.
     */
    public static boolean asGroupCommit(Runnable write) {
        if (!Scope.SYSTEM.equals(current())) {
            return false;
        }
        write.run();
        return true;
    }

    private static <T> T with(Scope scope, Supplier<T> work) {
        Scope before = EXPLICIT.get();
        EXPLICIT.set(scope);
        try {
            return work.get();
        } finally {
            if (before == null) {
                EXPLICIT.remove();
            } else {
                EXPLICIT.set(before);
            }
        }
    }

    /** The scope for a connection acquired now, on this thread. */
    static Scope current() {
        Scope explicit = EXPLICIT.get();
        if (explicit != null) {
            return explicit;
        }
        var container = Arc.container();
        if (container == null || !container.requestContext().isActive()) {
            return Scope.SYSTEM;
        }
        try (InstanceHandle<RequestTenant> handle = container.instance(RequestTenant.class)) {
            RequestTenant request = handle.get();
            if (!request.apiRequest()) {
                return Scope.SYSTEM; // scheduled jobs and other work that merely has a request context
            }
            return request.current().map(Scope::tenant).orElse(Scope.NOBODY);
        }
    }
}
