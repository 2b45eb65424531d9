package dev.switchboard.genesys;

import dev.switchboard.tenants.TenantId;
import java.util.UUID;

/**
 * A tenant's Genesys Cloud organisation, secrets opened. {@code id} is the path of its outbound
 * webhook; {@code agentId} the stand-in desk agent its people reply as.
 */
record GenesysDesk(UUID id, TenantId tenant, String region, String integrationId, String clientId,
        String clientSecret, String webhookSecret, UUID agentId) {

    /** Never the secrets: this may end up in a log line. */
    @Override
    public String toString() {
        return "GenesysDesk[" + id + ", tenant " + tenant + ", " + region + "]";
    }
}
