package dev.switchboard.privacy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.ops.JsonBodies;
import dev.switchboard.ops.ProblemException;
import dev.switchboard.tenants.DatabaseScope;
import dev.switchboard.tenants.TenantDirectory;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Operator API: a tenant's retention policy. Requires the admin token. */
@Path("/api/v1/admin/tenants/{id}/retention")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class RetentionResource {
    private final RetentionStore store;
    private final TenantDirectory directory;
    private final ObjectMapper mapper;

    RetentionResource(RetentionStore store, TenantDirectory directory, ObjectMapper mapper) {
        this.store = store;
        this.directory = directory;
        this.mapper = mapper;
    }

    @GET
    @Operation(summary = "The tenant's retention policy (nulls keep forever)")
    public RetentionPolicy get(@PathParam("id") String id) {
        return DatabaseScope.system("admin: read retention of tenant " + id, () -> store.find(directory.requireTenant(id).value())
                .orElse(new RetentionPolicy(null, null, null)));
    }

    @PUT
    @Operation(summary = "Set the tenant's retention policy", description = "Days for events, effects and "
            + "idempotency keys; null keeps forever. Enforced by an hourly job in batches.")
    public RetentionPolicy put(@PathParam("id") String id, String body) {
        RetentionPolicy policy = JsonBodies.optional(mapper, body, RetentionPolicy.class);
        if (policy == null || policy.problem() != null) {
            throw ProblemException.badRequest(policy == null ? "A retention policy object is required."
                    : policy.problem());
        }
        RetentionPolicy accepted = policy;
        return DatabaseScope.system("admin: set retention of tenant " + id, () -> {
            store.save(directory.requireTenant(id).value(), accepted);
            return accepted;
        });
    }
}
