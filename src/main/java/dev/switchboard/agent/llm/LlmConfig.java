package dev.switchboard.agent.llm;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The OpenAI-compatible model behind the agent. Without a base URL the classifier answers alone.
 * The fault-tolerance figures are read by the annotations on {@link LlmClient} through
 * {@code quarkus.fault-tolerance."dev.switchboard.agent.llm.LlmClient/stream".*} in
 * application.properties; they are declared here so that they are documented and validated.
 */
@ConfigMapping(prefix = "switchboard.agent.llm")
public interface LlmConfig {
    /** e.g. {@code https://api.openai.com} or {@code http://localhost:11434} (Ollama); {@code /v1/chat/completions} is appended. */
    Optional<String> baseUrl();

    @WithDefault("gpt-4o-mini")
    String model();

    Optional<String> apiKey();

    @WithDefault("You are the assistant of a small business. Answer briefly and politely. "
            + "If you cannot help, offer to pass the conversation to a person.")
    String systemPrompt();

    /** How many recent messages of the session go into the prompt (never the whole history). */
    @WithDefault("20")
    int historyWindow();

    @WithDefault("5s")
    Duration connectTimeout();

    /** Timeout of one attempt in ms; the HTTP stream is cancelled when it fires. */
    @WithDefault("30000")
    long timeoutMs();

    /**
     * One budget for the whole call: every attempt, retry delay and wait ends by then. A model that
     * hangs before its first token holds a session worker this long at most.
     */
    @WithDefault("20s")
    Duration totalTimeout();

    /**
     * Calls to the model at once (a bulkhead); beyond it a call fails at once and the classifier
     * answers. Keep it below {@code switchboard.processing.workers} so that sessions that do not need
     * the model keep workers while it hangs.
     */
    @WithDefault("16")
    int maxConcurrentCalls();

    /** Retries before the first token has been streamed (never after). */
    @WithDefault("2")
    int retries();

    @WithDefault("200")
    long retryDelayMs();

    /** Random variation added to each retry delay, so that many sessions do not retry in step. */
    @WithDefault("50")
    long retryJitterMs();

    /** Circuit breaker: calls in the rolling window, failure ratio that opens it, open time, probes to close. */
    @WithDefault("10")
    int breakerRequestVolume();

    @WithDefault("0.5")
    double breakerFailureRatio();

    @WithDefault("10000")
    long breakerDelayMs();

    @WithDefault("2")
    int breakerSuccessThreshold();
}
