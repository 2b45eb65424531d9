package dev.switchboard.agent;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One call to an outside model, recorded as an {@code agent_call} event so that replaying a session
 * never needs to call it again: which model, how long, how many tokens, and whether the answer
 * was used or the classifier took over (and why).
 */
@RegisterForReflection
public record AgentCall(String model, long latencyMs, int promptTokens, int completionTokens, int streamedTokens,
        boolean usedFallback, String fallbackReason) {
}
