package dev.switchboard.outbox;

import dev.switchboard.sessions.SessionAddress;
import java.util.List;

/**
 * The effects of one processed inbound event ({@code replyTo}), at the seqs reserved from
 * {@code firstSeq} on; {@code traceParent} is the processing that recorded them, which their
 * delivery continues (null while tracing is off).
 */
public record SessionEffects(SessionAddress address, long sessionId, long firstSeq, long replyTo,
        List<NewEffect> effects, String traceParent) {
}
