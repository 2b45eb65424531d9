package dev.switchboard.agent;

import static dev.switchboard.agent.ConversationEvent.ANSWERED;
import static dev.switchboard.agent.ConversationEvent.CONFIRMED;
import static dev.switchboard.agent.ConversationEvent.FAILED;
import static dev.switchboard.agent.ConversationEvent.GOODBYE;
import static dev.switchboard.agent.ConversationEvent.HANDOFF_REQUESTED;
import static dev.switchboard.agent.ConversationEvent.MESSAGE;
import static dev.switchboard.agent.ConversationEvent.NOT_UNDERSTOOD;
import static dev.switchboard.agent.ConversationEvent.RELEASED;
import static dev.switchboard.agent.ConversationEvent.SLOTS_COMPLETE;
import static dev.switchboard.agent.ConversationEvent.SLOTS_MISSING;
import static dev.switchboard.agent.ConversationEvent.START;
import static dev.switchboard.agent.ConversationState.AGENT_ACTIVE;
import static dev.switchboard.agent.ConversationState.AWAITING_CONFIRMATION;
import static dev.switchboard.agent.ConversationState.AWAITING_INPUT;
import static dev.switchboard.agent.ConversationState.COMPLETED;
import static dev.switchboard.agent.ConversationState.ERROR;
import static dev.switchboard.agent.ConversationState.EXPIRED;
import static dev.switchboard.agent.ConversationState.FALLBACK;
import static dev.switchboard.agent.ConversationState.HANDOFF;
import static dev.switchboard.agent.ConversationState.IDLE;
import static dev.switchboard.agent.ConversationState.PROCESSING_INTENT;

import dev.switchboard.statemachine.StateMachine;

/** The built-in conversation machine (ADR 0005 draws it). */
final class ConversationMachine {
    static final String AWAITING_CONFIRMATION_FLAG = "awaitingConfirmation";

    private ConversationMachine() {
    }

    static StateMachine<ConversationState, ConversationEvent, Turn> build(int fallbackLimit) {
        return StateMachine.<ConversationState, ConversationEvent, Turn>builder(IDLE)
                .parent(AWAITING_INPUT, AGENT_ACTIVE)
                .parent(PROCESSING_INTENT, AGENT_ACTIVE)
                .parent(AWAITING_CONFIRMATION, AGENT_ACTIVE)
                .parent(FALLBACK, AGENT_ACTIVE)
                .transientState(PROCESSING_INTENT)
                .transition(IDLE, START, AWAITING_INPUT)
                .transition(COMPLETED, START, AWAITING_INPUT)
                .transition(ERROR, START, AWAITING_INPUT)
                .transition(EXPIRED, START, AWAITING_INPUT)
                .transition(AGENT_ACTIVE, MESSAGE, PROCESSING_INTENT)
                .transition(PROCESSING_INTENT, ANSWERED, AWAITING_INPUT)
                .transition(PROCESSING_INTENT, SLOTS_MISSING, AWAITING_INPUT)
                .transition(PROCESSING_INTENT, SLOTS_COMPLETE, AWAITING_CONFIRMATION)
                .transition(PROCESSING_INTENT, CONFIRMED, COMPLETED, t -> t.flag(AWAITING_CONFIRMATION_FLAG),
                        "booking confirmed")
                .transition(PROCESSING_INTENT, NOT_UNDERSTOOD, FALLBACK)
                .transition(AGENT_ACTIVE, HANDOFF_REQUESTED, HANDOFF)
                .transition(AGENT_ACTIVE, GOODBYE, COMPLETED)
                .transition(AGENT_ACTIVE, FAILED, ERROR)
                .transition(HANDOFF, RELEASED, AWAITING_INPUT)
                .limitEntries(FALLBACK, fallbackLimit, HANDOFF)
                .onEntry(COMPLETED, t -> {
                    t.data.remove("goal");
                    t.data.remove("slots");
                    t.data.remove(AWAITING_CONFIRMATION_FLAG);
                })
                .onEntry(HANDOFF, t -> t.data.put("handoff", true))
                .onExit(HANDOFF, t -> t.data.remove("handoff"))
                .build();
    }
}
