package dev.switchboard.tenants;

import dev.switchboard.ops.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.enterprise.inject.Instance;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates every {@code /api/v1} request: admin paths need the admin token, all others an
 * API key, whose tenant becomes the request's tenant, or a credential another module issues and
 * checks ({@link CredentialCheck}: an agent's token).
 */
public class ApiKeyFilter {
    private final TenantDirectory directory;
    private final AdminToken adminToken;
    private final RequestTenant requestTenant;
    private final Instance<CredentialCheck> otherCredentials;

    ApiKeyFilter(TenantDirectory directory, AdminToken adminToken, RequestTenant requestTenant,
            Instance<CredentialCheck> otherCredentials) {
        this.directory = directory;
        this.adminToken = adminToken;
        this.requestTenant = requestTenant;
        this.otherCredentials = otherCredentials;
    }

    @ServerRequestFilter
    public Response authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/v1/")) {
            return null;
        }
        requestTenant.markApiRequest();
        String credential = BearerToken.from(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (path.startsWith("/api/v1/admin/")) {
            return adminToken.matches(credential) ? null : unauthorized(path, "A valid admin token is required.");
        }
        for (CredentialCheck check : otherCredentials) {
            if (check.recognises(credential)) {
                Optional<TenantId> other = check.authenticate(credential, path);
                if (other.isEmpty()) {
                    return unauthorized(path, check.refusal());
                }
                requestTenant.set(other.get());
                return null;
            }
        }
        Optional<TenantId> tenant = directory.authenticate(credential);
        if (tenant.isEmpty()) {
            return unauthorized(path, "A valid API key is required (Authorization: Bearer <key>).");
        }
        requestTenant.set(tenant.get());
        return null;
    }

    private static Response unauthorized(String path, String detail) {
        Problem problem = new Problem("urn:switchboard:problem:unauthorized", "Unauthorized", 401, detail, path);
        return Response.status(401)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .type(Problem.MEDIA_TYPE)
                .entity(problem)
                .build();
    }
}
