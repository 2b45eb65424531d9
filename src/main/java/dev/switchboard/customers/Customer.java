package dev.switchboard.customers;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.UUID;

/** A customer profile as the API shows it. */
@RegisterForReflection
public record Customer(UUID id, String waId, String externalId, String phone, String name, String email,
        JsonNode preferences, JsonNode metadata, Instant createdAt, Instant updatedAt) {
}
