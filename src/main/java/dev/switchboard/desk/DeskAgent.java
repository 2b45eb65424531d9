package dev.switchboard.desk;

import dev.switchboard.tenants.TenantId;
import java.util.UUID;

/** A person who answers customers on the desk (not the bot's {@code agent.Agent}). */
public record DeskAgent(UUID id, TenantId tenant, String name, String email) {
}
