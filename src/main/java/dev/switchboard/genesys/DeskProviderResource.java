package dev.switchboard.genesys;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.ops.JsonBodies;
import dev.switchboard.ops.ProblemException;
import dev.switchboard.tenants.DatabaseScope;
import dev.switchboard.tenants.TenantDirectory;
import dev.switchboard.tenants.TenantId;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Operator API: which desk a tenant's handed-off conversations go to. Requires the admin token. */
@Path("/api/v1/admin/tenants/{tenantId}/desk")
@Produces(MediaType.APPLICATION_JSON)
public class DeskProviderResource {
    private static final int MAX_SECRET = 512;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final DeskProviders providers;
    private final GenesysApi api;
    private final TenantDirectory directory;
    private final ObjectMapper mapper;

    DeskProviderResource(DeskProviders providers, GenesysApi api, TenantDirectory directory, ObjectMapper mapper) {
        this.providers = providers;
        this.api = api;
        this.directory = directory;
        this.mapper = mapper;
    }

    @RegisterForReflection
    public record Settings(String provider, String region, String integrationId, String clientId, String clientSecret,
            String webhookSecret) {
    }

    /** What the API shows of a desk: never a secret. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeskView(UUID id, DeskProvider provider, String region, String integrationId, String clientId,
            String webhookPath) {
        static DeskView of(DeskProviders.Setting setting) {
            return setting.genesys().map(g -> new DeskView(setting.id(), setting.provider(), g.region(),
                    g.integrationId(), g.clientId(), GenesysWebhookResource.PATH_PREFIX + setting.id()))
                    .orElseGet(() -> new DeskView(setting.id(), setting.provider(), null, null, null, null));
        }
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Choose the tenant's desk", description = "{\"provider\":\"builtin\"} (the default) or "
            + "{\"provider\":\"genesys\",\"region\",\"integrationId\",\"clientId\",\"clientSecret\",\"webhookSecret\"}. "
            + "200 with the desk, secrets omitted, and for Genesys the webhookPath of the Open Messaging "
            + "integration's outbound notifications. The region is one of Genesys Cloud's region domains.")
    public DeskView put(@PathParam("tenantId") String tenantId, String body) {
        TenantId tenant = tenant(tenantId);
        Settings settings = JsonBodies.required(mapper, body, Settings.class,
                "A JSON body {\"provider\": \"builtin\"|\"genesys\", …} is required.");
        DeskProvider provider;
        try {
            provider = DeskProvider.fromWire(settings.provider() == null ? "" : settings.provider());
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("'provider' is builtin or genesys.");
        }
        DeskProviders.Setting saved;
        if (provider == DeskProvider.GENESYS) {
            if (!GenesysRegions.known(settings.region())) {
                throw ProblemException.badRequest("'region' is one of Genesys Cloud's region domains, such as "
                        + "mypurecloud.com or mypurecloud.ie.");
            }
            String integrationId = id(settings.integrationId(), "integrationId");
            String clientId = id(settings.clientId(), "clientId");
            String clientSecret = secret(settings.clientSecret(), "clientSecret");
            String webhookSecret = secret(settings.webhookSecret(), "webhookSecret");
            saved = DatabaseScope.asTenant(tenant, () -> providers.save(tenant, provider, settings.region(),
                    integrationId, clientId, clientSecret, webhookSecret));
        } else {
            saved = DatabaseScope.asTenant(tenant, () -> providers.save(tenant, provider, null, null, null, null, null));
        }
        providers.forget();
        api.forget(saved.id());
        return DeskView.of(saved);
    }

    @GET
    @Operation(summary = "The tenant's desk", description = "Secrets omitted; builtin when never chosen.")
    public DeskView get(@PathParam("tenantId") String tenantId) {
        TenantId tenant = tenant(tenantId);
        return DatabaseScope.asTenant(tenant, () -> providers.ofTenant(tenant)).map(DeskView::of)
                .orElseGet(() -> new DeskView(null, DeskProvider.BUILTIN, null, null, null, null));
    }

    private TenantId tenant(String id) {
        return DatabaseScope.system("admin: the desk of tenant " + id, () -> directory.requireTenant(id));
    }

    private static String id(String value, String field) {
        if (value == null || !ID.matcher(value.trim()).matches()) {
            throw ProblemException.badRequest("'" + field + "' is required: 1 to 128 letters, digits, '.', '_' or '-'.");
        }
        return value.trim();
    }

    /** Printable ASCII without spaces; the message never quotes it. */
    private static String secret(String value, String field) {
        if (value == null || value.isEmpty() || value.length() > MAX_SECRET
                || !value.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
            throw ProblemException.badRequest("'" + field + "' is required: 1 to " + MAX_SECRET
                    + " printable ASCII characters without spaces.");
        }
        return value;
    }
}
