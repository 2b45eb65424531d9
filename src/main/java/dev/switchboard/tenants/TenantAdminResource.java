package dev.switchboard.tenants;

import dev.switchboard.ops.ProblemException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;

/** Operator API: create tenants and their API keys. Requires the admin token. */
@Path("/api/v1/admin/tenants")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TenantAdminResource {
    private final TenantDirectory directory;

    TenantAdminResource(TenantDirectory directory) {
        this.directory = directory;
    }

    @RegisterForReflection
    public record CreateTenant(String name) {
    }

    @RegisterForReflection
    public record TenantView(UUID id, String name) {
    }

    @RegisterForReflection
    public record KeyView(UUID id, String key) {
    }

    @POST
    public Response createTenant(CreateTenant body) {
        if (body == null || body.name() == null || body.name().isBlank()) {
            throw ProblemException.badRequest("'name' is required.");
        }
        if (body.name().length() > 200) {
            throw ProblemException.badRequest("'name' must be at most 200 characters.");
        }
        Tenant tenant = directory.createTenant(body.name().trim());
        return Response.status(201).entity(new TenantView(tenant.id, tenant.name)).build();
    }

    @POST
    @Path("/{id}/api-keys")
    public Response createKey(@PathParam("id") String id) {
        UUID tenantId = parse(id);
        if (directory.findTenant(tenantId).isEmpty()) {
            throw ProblemException.notFound("No tenant " + id + ".");
        }
        TenantDirectory.CreatedKey key = directory.createApiKey(tenantId);
        return Response.status(201).entity(new KeyView(key.id(), key.key())).build();
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("No tenant " + id + ".");
        }
    }
}
