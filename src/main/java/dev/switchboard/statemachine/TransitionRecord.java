package dev.switchboard.statemachine;

import java.time.Instant;

/** One transition taken: from, to, the event that triggered it, why, when, and whether a limit escalated it. */
public record TransitionRecord<S, E>(S from, S to, E event, String reason, Instant at, boolean escalated) {
}
