package dev.switchboard.agent.llm;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.support.ChatClient;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The LLM agent against a fake OpenAI-compatible server: streaming, timeouts, the breaker, broken streams. */
@QuarkusTest
@TestProfile(LlmProfile.class)
class LlmAgentTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    static final String NOT_UNDERSTOOD = "Sorry, I didn't understand that. You can book an appointment, "
            + "ask for help, or ask for a person.";

    @TestHTTPResource("/")
    URI base;
    @Inject
    DataSource dataSource;
    @Inject
    LlmAnswerer answerer;

    FakeLlmServer llm = FakeLlmServer.get();
    Db db;
    Tenants.Credentials tenant;

    @BeforeEach
    void setUp() {
        db = new Db(dataSource);
        tenant = Tenants.create("llm-" + UUID.randomUUID());
        llm.mode = FakeLlmServer.Mode.NORMAL;
        CircuitBreakerMaintenance.get().resetAll();
    }

    /** Sends one message the classifier does not know; returns every frame up to and including the reply. */
    private List<JsonNode> ask(String session, String text) {
        try (ChatClient chat = ChatClient.connect(base, session, tenant.apiKey(), null)) {
            chat.sendMessage(UUID.randomUUID().toString(), text);
            List<JsonNode> frames = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (frames.stream().noneMatch(f -> ChatClient.isType(f, "message"))) {
                frames.add(chat.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))));
            }
            return frames;
        }
    }

    private static List<String> tokens(List<JsonNode> frames) {
        return frames.stream().filter(f -> ChatClient.isType(f, "token")).map(f -> f.path("text").asText()).toList();
    }

    private static JsonNode reply(List<JsonNode> frames) {
        return frames.stream().filter(f -> ChatClient.isType(f, "message")).findFirst().orElseThrow();
    }

    private JsonNode lastCall(String session) {
        String json = db.text("SELECT e.payload::text FROM events e JOIN sessions s ON s.id = e.session_id "
                + "WHERE s.tenant_id = ?::uuid AND s.external_key = ? AND e.type = 'agent_call' ORDER BY e.seq DESC LIMIT 1",
                tenant.tenantId(), session);
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new AssertionError("no agent_call event on " + session, e);
        }
    }

    @Test
    void tokensStreamAsEphemeralFramesAndTheFinalTextIsOneDurableMessage() {
        List<JsonNode> frames = ask("llm-ok", "what are your prices?");
        JsonNode accepted = frames.get(0);
        assertEquals("accepted", accepted.path("type").asText());
        assertEquals(FakeLlmServer.TOKENS, tokens(frames));
        frames.stream().filter(f -> ChatClient.isType(f, "token"))
                .forEach(t -> assertEquals(accepted.path("seq").asLong(), t.path("replyTo").asLong()));
        assertEquals(String.join("", FakeLlmServer.TOKENS), reply(frames).path("text").asText());

        JsonNode call = lastCall("llm-ok");
        assertEquals("fake-model", call.path("model").asText());
        assertEquals(42, call.path("promptTokens").asInt());
        assertEquals(5, call.path("completionTokens").asInt());
        assertEquals(false, call.path("usedFallback").asBoolean());
        String prompt = llm.bodies.get(llm.bodies.size() - 1);
        assertTrue(prompt.contains("\"stream\":true") && prompt.contains("what are your prices?"), prompt);
        assertTrue(given().get("/q/metrics").asString()
                .contains("switchboard_agent_llm_call_seconds_count{outcome=\"answered\""), "LLM call latency is measured");

        try (ChatClient late = ChatClient.connect(base, "llm-ok", tenant.apiKey(), 0L)) {
            JsonNode missed = late.collect(f -> ChatClient.isType(f, "message"), 1, WAIT).get(0);
            assertEquals(String.join("", FakeLlmServer.TOKENS), missed.path("text").asText(),
                    "a socket that missed the tokens still gets the final message");
        }
    }

    @Test
    void theHistoryWindowIsInThePrompt() {
        ask("llm-history", "what are your prices?");
        ask("llm-history", "and on sundays?");
        String prompt = llm.bodies.get(llm.bodies.size() - 1);
        assertTrue(prompt.contains("what are your prices?") && prompt.contains("Our prices start at $20."), prompt);
    }

    @Test
    void aServerThatStallsIsTimedOutTheStreamCancelledAndTheClassifierAnswers() {
        llm.mode = FakeLlmServer.Mode.STALL_AFTER_FIRST_TOKEN;
        int requests = llm.requests.get();
        int gone = llm.clientsGone.get();
        long started = System.nanoTime();
        List<JsonNode> frames = ask("llm-slow", "what are your prices?");
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() < 3000, "answered after the timeout");
        assertEquals(NOT_UNDERSTOOD, reply(frames).path("text").asText());
        assertEquals(List.of(FakeLlmServer.TOKENS.get(0)), tokens(frames), "no retry after a token was streamed");
        assertEquals(requests + 1, llm.requests.get());
        JsonNode call = lastCall("llm-slow");
        assertTrue(call.path("usedFallback").asBoolean());
        assertEquals("timeout", call.path("fallbackReason").asText());
        Eventually.within(Duration.ofSeconds(8), "the server sees the client hang up",
                () -> llm.clientsGone.get() > gone);
    }

    @Test
    void aRunOfServerErrorsOpensTheBreakerCallsStopAndItClosesWhenTheServerRecovers() {
        llm.mode = FakeLlmServer.Mode.FAIL_500;
        JsonNode first = reply(ask("llm-500-a", "what are your prices?"));
        assertEquals(NOT_UNDERSTOOD, first.path("text").asText());
        assertTrue(lastCall("llm-500-a").path("fallbackReason").asText().contains("HTTP 500"));
        reply(ask("llm-500-b", "what are your prices?"));
        given().get("/q/health/ready").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("\"breaker\": \"open\""))
                .body(org.hamcrest.Matchers.containsString("\"degraded\": true"));
        int requestsWhileOpen = llm.requests.get();
        JsonNode third = reply(ask("llm-500-c", "what are your prices?"));
        assertEquals(NOT_UNDERSTOOD, third.path("text").asText());
        assertEquals("circuit_open", lastCall("llm-500-c").path("fallbackReason").asText());
        assertEquals(requestsWhileOpen, llm.requests.get(), "an open breaker keeps calls off the server");

        llm.mode = FakeLlmServer.Mode.NORMAL;
        Eventually.within(Duration.ofSeconds(10), "the breaker half-opens and a probe succeeds", () ->
                reply(ask("llm-500-d-" + UUID.randomUUID(), "what are your prices?")).path("text").asText()
                        .equals(String.join("", FakeLlmServer.TOKENS)));
        given().get("/q/health/ready").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("\"breaker\": \"closed\""));
    }

    @Test
    void aMalformedStreamIsRetriedThenTheClassifierAnswers() {
        llm.mode = FakeLlmServer.Mode.MALFORMED;
        int requests = llm.requests.get();
        JsonNode answer = reply(ask("llm-malformed", "what are your prices?"));
        assertEquals(NOT_UNDERSTOOD, answer.path("text").asText());
        assertEquals(requests + 3, llm.requests.get(), "two retries: no token had been streamed");
        assertTrue(lastCall("llm-malformed").path("fallbackReason").asText().contains("malformed"));
    }

    @Test
    void aServerThatDiesMidStreamIsNotRetriedAndThePartialTextIsNotTheAnswer() {
        llm.mode = FakeLlmServer.Mode.DIE_MID_STREAM;
        int requests = llm.requests.get();
        List<JsonNode> frames = ask("llm-dies", "what are your prices?");
        assertEquals(FakeLlmServer.TOKENS.subList(0, 2), tokens(frames));
        assertEquals(NOT_UNDERSTOOD, reply(frames).path("text").asText());
        assertEquals(requests + 1, llm.requests.get());
        JsonNode call = lastCall("llm-dies");
        assertEquals(2, call.path("streamedTokens").asInt());
        assertTrue(call.path("fallbackReason").asText().startsWith("stream_broken"), call.toString());
    }

    @Test
    void textTheModelSendsThatCannotBeStoredIsRepairedAndTheTurnCommits() {
        llm.mode = FakeLlmServer.Mode.UNSTORABLE_TEXT;
        JsonNode answer = reply(ask("llm-unstorable", "what are your prices?"));
        assertEquals("Our \uFFFDprices start \uFFFDat $20.", answer.path("text").asText());
        assertEquals(false, lastCall("llm-unstorable").path("usedFallback").asBoolean());
        assertEquals(0, db.count("SELECT count(*) FROM events e JOIN sessions s ON s.id = e.session_id "
                + "WHERE s.tenant_id = ?::uuid AND s.external_key = 'llm-unstorable' AND e.type = 'error'",
                tenant.tenantId()), "the turn committed the first time, nothing was quarantined");
    }

    @Test
    void aTimedOutCallLeavesTheCallingWorkerUninterrupted() {
        // the timeout interrupts the waiting thread; left set, the interrupt would fail the worker's next
        // wait (the processing commit) and send a processed event into failure and backoff
        llm.mode = FakeLlmServer.Mode.HANG_BEFORE_FIRST_TOKEN;
        try {
            LlmAnswerer.Answer answer = answerer.answer(new dev.switchboard.agent.AgentInput(
                    dev.switchboard.sessions.SessionAddress.web(new dev.switchboard.tenants.TenantId(
                            UUID.fromString(tenant.tenantId())), "llm-interrupt"), -1, "idle", java.util.Map.of(), 1,
                    "user_message", "what are your prices?"));
            assertEquals("timeout", answer.call().fallbackReason());
            org.junit.jupiter.api.Assertions.assertFalse(Thread.currentThread().isInterrupted(),
                    "the caller's interrupt flag is clear after a timed-out call");
        } finally {
            Thread.interrupted();
            llm.releaseHung();
        }
    }

    @Test
    void aModelThatHangsBeforeItsFirstTokenHoldsTheWorkerForOneBudgetNotForEveryRetry() {
        llm.mode = FakeLlmServer.Mode.HANG_BEFORE_FIRST_TOKEN;
        int requests = llm.requests.get();
        try {
            JsonNode answer = reply(ask("llm-hang", "what are your prices?"));
            assertEquals(NOT_UNDERSTOOD, answer.path("text").asText());
            // attempt 1 times out after 1 s; attempt 2 is cut by the 1.5 s budget (or, on a machine that
            // stalls past it, never starts); a third never starts, where without a budget it would
            int made = llm.requests.get() - requests;
            assertTrue(made >= 1 && made <= 2, "the budget ends the retries: " + made + " attempts");
            JsonNode call = lastCall("llm-hang");
            assertEquals("timeout", call.path("fallbackReason").asText());
            assertTrue(call.path("latencyMs").asLong() < 2500, call.toString());
        } finally {
            llm.releaseHung();
        }
    }
}
