package dev.switchboard.agent;

/** The events of the built-in conversation machine. */
public enum ConversationEvent {
    START,
    MESSAGE,
    ANSWERED,
    SLOTS_MISSING,
    SLOTS_COMPLETE,
    CONFIRMED,
    NOT_UNDERSTOOD,
    HANDOFF_REQUESTED,
    RELEASED,
    GOODBYE,
    FAILED
}
