package dev.switchboard.tenants;

import java.util.UUID;

/** The tenant a request or a background job acts for. */
public record TenantId(UUID value) {
    public TenantId {
        if (value == null) {
            throw new IllegalArgumentException("tenant id is required");
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
