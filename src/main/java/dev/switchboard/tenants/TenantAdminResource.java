package dev.switchboard.tenants;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.idempotency.IdempotentRequests;
import dev.switchboard.ops.JsonBodies;
import dev.switchboard.ops.ProblemException;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** Operator API: create tenants and their API keys. Requires the admin token. */
@Path("/api/v1/admin/tenants")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TenantAdminResource {
    private final TenantDirectory directory;
    private final IdempotentRequests idempotent;
    private final ObjectMapper mapper;

    private final Duration rotationOverlap;

    TenantAdminResource(TenantDirectory directory, IdempotentRequests idempotent, ObjectMapper mapper,
            @ConfigProperty(name = "switchboard.auth.key-rotation-overlap", defaultValue = "24h")
            Duration rotationOverlap) {
        this.directory = directory;
        this.rotationOverlap = rotationOverlap;
        this.idempotent = idempotent;
        this.mapper = mapper;
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
    @Operation(summary = "Create a tenant", description = "Requires the admin token and an Idempotency-Key.")
    public Response createTenant(String body,
            @Parameter(description = "Required; see POST /api/v1/sessions/{key}/messages", required = true)
            @HeaderParam(IdempotentRequests.HEADER) String idempotencyKey, @Context UriInfo uri) {
        return DatabaseScope.system("admin: create tenant", () -> idempotent.execute(IdempotentRequests.ADMIN_SCOPE,
                idempotencyKey, "POST", uri.getPath(), body, () -> {
            CreateTenant request = parseBody(body);
            if (request == null || request.name() == null || request.name().isBlank()) {
                throw ProblemException.badRequest("'name' is required.");
            }
            if (request.name().length() > 200) {
                throw ProblemException.badRequest("'name' must be at most 200 characters.");
            }
            Tenant tenant = directory.createTenant(request.name().trim());
            return Response.status(201).entity(new TenantView(tenant.id, tenant.name)).build();
        }));
    }

    @POST
    @Path("/{id}/api-keys")
    @Operation(summary = "Create an API key", description = "The key is shown only in this response. Requires the "
            + "admin token and an Idempotency-Key; a replay returns the same key.")
    public Response createKey(@PathParam("id") String id, String body,
            @Parameter(description = "Required; see POST /api/v1/sessions/{key}/messages", required = true)
            @HeaderParam(IdempotentRequests.HEADER) String idempotencyKey, @Context UriInfo uri) {
        return DatabaseScope.system("admin: create API key for tenant " + id, () -> idempotent.execute(
                IdempotentRequests.ADMIN_SCOPE, idempotencyKey, "POST", uri.getPath(), body, () -> {
            TenantDirectory.CreatedKey key = directory.createApiKey(existing(id));
            return Response.status(201).entity(new KeyView(key.id(), key.key())).build();
        }));
    }

    @GET
    @Path("/{id}/api-keys")
    @Operation(summary = "List a tenant's API keys", description = "Prefixes only; never the keys.")
    public List<TenantDirectory.KeyInfo> listKeys(@PathParam("id") String id) {
        return DatabaseScope.system("admin: list API keys of tenant " + id, () -> directory.listKeys(existing(id)));
    }

    @DELETE
    @Path("/{id}/api-keys/{keyId}")
    @Operation(summary = "Revoke an API key at once")
    public Response revokeKey(@PathParam("id") String id, @PathParam("keyId") String keyId) {
        if (!DatabaseScope.system("admin: revoke API key " + keyId, () -> directory.revoke(existing(id),
                parseKeyId(keyId)))) {
            throw ProblemException.notFound("No API key " + keyId + " for tenant " + id + ".");
        }
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/api-keys/{keyId}/rotate")
    @Operation(summary = "Rotate an API key", description = "Issues a new key (shown only in this response); the "
            + "old one keeps working for switchboard.auth.key-rotation-overlap. Requires an Idempotency-Key.")
    public Response rotateKey(@PathParam("id") String id, @PathParam("keyId") String keyId, String body,
            @Parameter(description = "Required; see POST /api/v1/sessions/{key}/messages", required = true)
            @HeaderParam(IdempotentRequests.HEADER) String idempotencyKey, @Context UriInfo uri) {
        return DatabaseScope.system("admin: rotate API key " + keyId, () -> idempotent.execute(
                IdempotentRequests.ADMIN_SCOPE, idempotencyKey, "POST", uri.getPath(), body, () -> {
            TenantDirectory.CreatedKey key = directory.rotate(existing(id), parseKeyId(keyId), rotationOverlap)
                    .orElseThrow(() -> ProblemException.notFound("No usable API key " + keyId + " for tenant " + id
                            + "."));
            return Response.status(201).entity(new KeyView(key.id(), key.key())).build();
        }));
    }

    private UUID existing(String id) {
        return directory.requireTenant(id).value();
    }

    private static UUID parseKeyId(String keyId) {
        try {
            return UUID.fromString(keyId);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("No API key " + keyId + ".");
        }
    }

    private CreateTenant parseBody(String body) {
        return JsonBodies.optional(mapper, body, CreateTenant.class);
    }
}
