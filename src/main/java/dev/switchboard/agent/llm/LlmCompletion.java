package dev.switchboard.agent.llm;

/** A finished streamed completion. Token counts come from the server's usage report when it sends one. */
public record LlmCompletion(String text, int promptTokens, int completionTokens, int streamedTokens) {
}
