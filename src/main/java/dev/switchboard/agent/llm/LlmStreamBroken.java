package dev.switchboard.agent.llm;

/**
 * The stream failed after tokens had already been sent to the client. Never retried (the client
 * would see the answer twice); the partial text is not delivered as final.
 */
public class LlmStreamBroken extends Exception {
    private final int streamedTokens;

    public LlmStreamBroken(String message, int streamedTokens, Throwable cause) {
        super(message, cause);
        this.streamedTokens = streamedTokens;
    }

    public int streamedTokens() {
        return streamedTokens;
    }
}
