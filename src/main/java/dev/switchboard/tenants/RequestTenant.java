package dev.switchboard.tenants;

import jakarta.enterprise.context.RequestScoped;
import java.util.Optional;

/** The tenant of the current HTTP request, set by {@link ApiKeyFilter} from the presented key. */
@RequestScoped
public class RequestTenant {
    private TenantId tenant;
    private boolean apiRequest;

    /** Marks this as an API request: until a tenant is set, its connections see no tenant's rows. */
    void markApiRequest() {
        apiRequest = true;
    }

    boolean apiRequest() {
        return apiRequest;
    }

    void set(TenantId tenant) {
        this.tenant = tenant;
    }

    /** The authenticated tenant, if the request has one yet. */
    public Optional<TenantId> current() {
        return Optional.ofNullable(tenant);
    }

    /** The authenticated tenant; never taken from the request body. */
    public TenantId get() {
        if (tenant == null) {
            throw new IllegalStateException("no authenticated tenant on this request");
        }
        return tenant;
    }
}
