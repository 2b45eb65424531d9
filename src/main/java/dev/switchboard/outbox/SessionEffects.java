package dev.switchboard.outbox;

import dev.switchboard.sessions.SessionAddress;
import java.util.List;

/** The effects of one processed inbound event ({@code replyTo}), at the seqs reserved from {@code firstSeq} on. */
public record SessionEffects(SessionAddress address, long sessionId, long firstSeq, long replyTo,
        List<NewEffect> effects) {
}
