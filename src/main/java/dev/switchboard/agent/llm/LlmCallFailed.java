package dev.switchboard.agent.llm;

/** The call failed before any token was streamed (HTTP error, bad stream, no answer): it may be retried. */
public class LlmCallFailed extends Exception {
    public LlmCallFailed(String message) {
        super(message);
    }

    public LlmCallFailed(String message, Throwable cause) {
        super(message, cause);
    }
}
