package dev.switchboard.agent.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;

/**
 * Streams a chat completion from an OpenAI-compatible server ({@code POST /v1/chat/completions},
 * {@code stream: true}, server-sent events), handing each token to {@code onToken} as it arrives.
 * Guarded by a timeout per attempt (which interrupts the read and closes the stream, so the HTTP
 * exchange is really cancelled), one total time budget across all attempts ({@link StreamProgress}:
 * every wait ends at its deadline), retries with exponential backoff only while no token has been
 * streamed, a circuit breaker named {@value #BREAKER}, and a bulkhead: at most
 * {@code max-concurrent-calls} calls at once, so that a hanging model can hold only part of the
 * session workers (a call beyond it fails at once and the classifier answers). Figures come from
 * configuration (see {@link LlmConfig}).
 */
@ApplicationScoped
public class LlmClient {
    public static final String BREAKER = "llm";

    private final LlmConfig config;
    private final ObjectMapper mapper;
    private final HttpClient http;

    LlmClient(LlmConfig config, ObjectMapper mapper) {
        this.config = config;
        this.mapper = mapper;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout()).build();
    }

    public boolean enabled() {
        return config.baseUrl().filter(url -> !url.isBlank()).isPresent();
    }

    public String model() {
        return config.model();
    }

    @Timeout
    @Retry(abortOn = {LlmStreamBroken.class, LlmBudgetExhausted.class, BulkheadException.class})
    @ExponentialBackoff
    @CircuitBreaker(skipOn = BulkheadException.class)
    @CircuitBreakerName(BREAKER)
    @Bulkhead
    public LlmCompletion stream(List<Map<String, String>> messages, StreamProgress progress)
            throws LlmCallFailed, LlmStreamBroken {
        progress.checkBudget();
        if (progress.streamed() > 0) {
            // an earlier attempt already streamed tokens (e.g. it timed out mid-answer): never again
            throw new LlmStreamBroken("tokens were already streamed; not retrying", progress.streamed(), null);
        }
        HttpRequest request = request(messages);
        try (SseLines lines = new SseLines(http, request)) {
            int status = lines.status(progress);
            if (status != 200) {
                throw new LlmCallFailed("the model server answered HTTP " + status);
            }
            return read(lines, progress);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            progress.markTimedOut();
            throw new LlmCallFailed("interrupted while waiting for the model server", e);
        } catch (IOException e) {
            throw new LlmCallFailed(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private HttpRequest request(List<Map<String, String>> messages) throws LlmCallFailed {
        ObjectNode body = mapper.createObjectNode().put("model", config.model()).put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        ArrayNode list = body.putArray("messages");
        messages.forEach(m -> list.addObject().put("role", m.get("role")).put("content", m.get("content")));
        String base = config.baseUrl().orElseThrow(() -> new LlmCallFailed("no model server configured"));
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        config.apiKey().filter(k -> !k.isBlank()).ifPresent(key -> builder.header("Authorization", "Bearer " + key));
        return builder.build();
    }

    /** Reads SSE {@code data:} lines until {@code [DONE]}. */
    private LlmCompletion read(SseLines lines, StreamProgress progress) throws LlmCallFailed, LlmStreamBroken {
        // the budget is checked by every wait for a line (SseLines.next)
        StringBuilder text = new StringBuilder();
        int streamed = 0;
        int promptTokens = 0;
        int completionTokens = 0;
        try {
            String line;
            while ((line = lines.next(progress)) != null) {
                if (!line.startsWith("data:")) {
                    continue; // comments, event names, blank separators
                }
                String data = line.substring(5).trim();
                if (data.equals("[DONE]")) {
                    if (text.length() == 0) {
                        throw new LlmCallFailed("the model returned an empty answer");
                    }
                    return new LlmCompletion(text.toString(), promptTokens, completionTokens, streamed);
                }
                JsonNode chunk = parse(data, streamed);
                JsonNode usage = chunk.path("usage");
                if (usage.isObject()) {
                    promptTokens = usage.path("prompt_tokens").asInt(promptTokens);
                    completionTokens = usage.path("completion_tokens").asInt(completionTokens);
                }
                String token = chunk.path("choices").path(0).path("delta").path("content").asText("");
                if (!token.isEmpty()) {
                    text.append(token);
                    streamed++;
                    progress.token(token);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            progress.markTimedOut();
            fail("interrupted (timed out)", streamed, e);
        } catch (LlmBudgetExhausted e) {
            if (streamed > 0) {
                throw new LlmStreamBroken("the call's total time budget ran out after " + streamed + " tokens",
                        streamed, e);
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            fail("the stream broke: " + e.getClass().getName(), streamed, e);
        }
        fail("the stream ended before [DONE]", streamed, null);
        return null;
    }

    private JsonNode parse(String data, int streamed) throws LlmCallFailed, LlmStreamBroken {
        try {
            JsonNode chunk = mapper.readTree(data);
            if (chunk == null || !chunk.isObject()) {
                throw new IOException("not a JSON object");
            }
            return chunk;
        } catch (IOException e) {
            fail("malformed stream chunk", streamed, e);
            return null;
        }
    }

    /** Always throws: before any token a failure may be retried, after one it may not. */
    private static void fail(String message, int streamed, Throwable cause) throws LlmCallFailed, LlmStreamBroken {
        if (streamed > 0) {
            throw new LlmStreamBroken(message + " after " + streamed + " tokens", streamed, cause);
        }
        throw new LlmCallFailed(message, cause);
    }
}
