package dev.switchboard.customers;

import dev.switchboard.tenants.TenantId;
import java.time.Instant;
import java.util.UUID;

/** Fired inside the transaction that corrected ({@code erased} false) or erased a customer's profile. */
public record CustomerChanged(TenantId tenant, UUID customerId, boolean erased, Instant at) {
}
