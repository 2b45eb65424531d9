package dev.switchboard.analytics;

import dev.switchboard.tenants.DatabaseScope;
import dev.switchboard.tenants.TenantDirectory;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Operator API: recompute a tenant's analytics from its log. Requires the admin token. */
@Path("/api/v1/admin/tenants/{id}/analytics/rebuild")
@Produces(MediaType.APPLICATION_JSON)
public class ReportRebuildResource {
    private final ReportRebuild rebuild;
    private final TenantDirectory directory;

    ReportRebuildResource(ReportRebuild rebuild, TenantDirectory directory) {
        this.rebuild = rebuild;
        this.directory = directory;
    }

    @RegisterForReflection
    public record Rebuilt(int sessions, int conversations, long countsCorrected) {
    }

    @POST
    @Operation(summary = "Recompute the tenant's analytics from its log", description = "In batches of sessions, beside "
            + "live traffic; safe to repeat. Answers when done, with how many sessions and conversations it measured "
            + "and how many counts it corrected.")
    public Rebuilt rebuild(@PathParam("id") String id) {
        return DatabaseScope.system("admin: rebuild analytics of tenant " + id, () -> {
            ReportRebuild.Result result = rebuild.rebuild(directory.requireTenant(id));
            return new Rebuilt(result.sessions(), result.conversations(), result.countsCorrected());
        });
    }
}
