package dev.switchboard.privacy;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** How many days a tenant keeps each kind of record; {@code null} keeps it forever. */
@RegisterForReflection
public record RetentionPolicy(Integer eventsDays, Integer effectsDays, Integer idempotencyKeysDays) {
    static final int MAX_DAYS = 3650;

    /** Why the policy is unusable, or null. */
    String problem() {
        for (Integer days : new Integer[] {eventsDays, effectsDays, idempotencyKeysDays}) {
            if (days != null && (days < 1 || days > MAX_DAYS)) {
                return "retention periods are whole days from 1 to " + MAX_DAYS + ", or null to keep forever";
            }
        }
        return null;
    }
}
