package dev.switchboard.tenants;

import jakarta.enterprise.context.RequestScoped;

/** The tenant of the current HTTP request, set by {@link ApiKeyFilter} from the presented key. */
@RequestScoped
public class RequestTenant {
    private TenantId tenant;

    void set(TenantId tenant) {
        this.tenant = tenant;
    }

    /** The authenticated tenant; never taken from the request body. */
    public TenantId get() {
        if (tenant == null) {
            throw new IllegalStateException("no authenticated tenant on this request");
        }
        return tenant;
    }
}
