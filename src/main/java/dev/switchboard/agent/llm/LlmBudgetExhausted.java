package dev.switchboard.agent.llm;

/** The call's total time budget (across all attempts) ran out: not retried, the classifier answers. */
public final class LlmBudgetExhausted extends LlmCallFailed {
    public LlmBudgetExhausted(String message) {
        super(message);
    }
}
