package dev.switchboard.agent;

import java.time.Instant;

/** A state machine transition an agent took while answering, recorded as a {@code state_transition} event. */
public record StateChange(String from, String to, String event, String reason, Instant at) {
}
