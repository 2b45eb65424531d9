package dev.switchboard.sessions;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.Map;

/** What the API shows of a session. */
@RegisterForReflection
public record SessionView(
        long id,
        String channel,
        String key,
        String state,
        Map<String, Object> data,
        long version,
        String checksum,
        long lastSeq,
        long processedSeq,
        long lastInboundSeq,
        long effectSeq,
        long ackedEffectSeq,
        SessionStatus status,
        Long quarantinedSeq,
        Instant lastActivityAt,
        Instant createdAt) {
    /** No inbound event waits to be processed (as {@link SessionState#caughtUp()}). */
    @JsonIgnore
    public boolean caughtUp() {
        return processedSeq >= lastInboundSeq;
    }
}
