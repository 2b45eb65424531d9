package dev.switchboard.agent.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.support.ChatClient;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A model that hangs holds at most {@code max-concurrent-calls} (2 here) of the 32 session workers. */
@QuarkusTest
@TestProfile(LlmBulkheadProfile.class)
class LlmBulkheadTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String QUESTION = "what are your prices?"; // the classifier does not know it: the model answers

    @TestHTTPResource("/")
    URI base;
    @Inject
    DataSource dataSource;

    FakeLlmServer llm = FakeLlmServer.get();

    private static String replyText(ChatClient chat) {
        return chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT).get(0).path("text").asText();
    }

    @Test
    void whileTheModelHangsTheBulkheadKeepsWorkersForSessionsThatDoNotNeedIt() {
        Tenants.Credentials tenant = Tenants.create("llm-bulkhead-" + UUID.randomUUID());
        llm.releaseHung();
        Eventually.within(WAIT, "no call of an earlier test still hangs", () -> llm.hanging.get() == 0);
        llm.mode = FakeLlmServer.Mode.HANG_BEFORE_FIRST_TOKEN;
        int requests = llm.requests.get();
        List<ChatClient> hung = new ArrayList<>();
        List<ChatClient> refused = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                ChatClient chat = ChatClient.connect(base, "llm-hung-" + i, tenant.apiKey(), null);
                chat.sendMessage("q" + i, QUESTION);
                hung.add(chat);
            }
            Eventually.within(WAIT, "both calls hang in the model", () -> llm.hanging.get() == 2);
            // 38 more questions and a greeting: without the bulkhead, they would all wait on the model
            for (int i = 0; i < 38; i++) {
                ChatClient chat = ChatClient.connect(base, "llm-refused-" + i, tenant.apiKey(), null);
                chat.sendMessage("q" + i, QUESTION);
                refused.add(chat);
            }
            try (ChatClient greeting = ChatClient.connect(base, "llm-greeting", tenant.apiKey(), null)) {
                greeting.sendMessage("g", "hello");
                assertEquals("Hello! How can I help you today?", replyText(greeting));
            }
            for (ChatClient chat : refused) {
                assertEquals(LlmAgentTest.NOT_UNDERSTOOD, replyText(chat), "the classifier answers at once");
            }
            assertEquals(2, llm.hanging.get(), "all of that while the two calls still hang");
            assertEquals(requests + 2, llm.requests.get(), "the bulkhead kept every other call off the model");
            assertEquals(38, new Db(dataSource).count("SELECT count(*) FROM events e JOIN sessions s ON "
                    + "s.id = e.session_id WHERE s.tenant_id = ?::uuid AND e.type = 'agent_call' "
                    + "AND e.payload->>'fallbackReason' = 'bulkhead_full'", tenant.tenantId()));

            llm.mode = FakeLlmServer.Mode.NORMAL;
            llm.releaseHung();
            for (ChatClient chat : hung) {
                replyText(chat); // the held questions are answered once the model lets go
            }
        } finally {
            llm.mode = FakeLlmServer.Mode.NORMAL;
            llm.releaseHung();
            hung.forEach(ChatClient::close);
            refused.forEach(ChatClient::close);
        }
    }
}
