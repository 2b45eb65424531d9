package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.ChatClient;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** One message, one trace: ingest, processing (the agent's call inside it) and the reply's delivery are linked spans. */
@QuarkusTest
class TracesTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String SECRET_TEXT = "my card number is 4111 trace-canary";

    @Inject
    InMemorySpanExporter spans;

    @Inject
    DataSource dataSource;

    @TestHTTPResource("/")
    URI base;

    @Test
    void aMessageItsProcessingAndItsRepliesDeliveryAreOneTraceThatCarriesNoText() {
        Tenants.Credentials tenant = Tenants.create("traces");
        String traceId = hex(16);
        String parentSpanId = hex(8);
        try (ChatClient chat = ChatClient.connect(base, "traced", tenant.apiKey(), null)) {
            String correlation = given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .header("traceparent", "00-" + traceId + "-" + parentSpanId + "-01")
                    .body(Map.of("id", "m1", "text", SECRET_TEXT)).post("/api/v1/sessions/traced/messages")
                    .then().statusCode(202).extract().header(CorrelationId.HEADER);
            assertEquals(traceId, correlation, "the correlation id is the incoming trace id");
            chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT);
        }

        String stored = new Db(dataSource).text("SELECT e.trace_parent FROM events e JOIN sessions s ON s.id = "
                + "e.session_id WHERE s.tenant_id = ?::uuid AND e.type = 'user_message'", tenant.tenantId());
        assertTrue(stored.startsWith("00-" + traceId + "-"), "the event keeps its trace: " + stored);

        SpanData ingest = await(s -> s.getTraceId().equals(traceId) && s.getKind() == SpanKind.SERVER
                && s.getParentSpanId().equals(parentSpanId), "the POST's server span");
        SpanData process = await(s -> s.getName().equals("process user_message")
                && s.getParentSpanId().equals(ingest.getSpanId()), "processing, a child of the POST");
        assertEquals(traceId, process.getTraceId());
        await(s -> s.getName().startsWith("agent ") && s.getParentSpanId().equals(process.getSpanId()),
                "the agent's call, a child of processing");
        SpanData delivery = await(s -> s.getName().equals("deliver message")
                && s.getParentSpanId().equals(process.getSpanId()), "the reply's delivery, a child of processing");
        assertEquals("web", delivery.getAttributes().get(Traces.CHANNEL));

        for (SpanData span : spans.getFinishedSpanItems()) {
            assertFalse(span.toString().contains("trace-canary"), "a span carries the message text: " + span);
        }
    }

    @Test
    void aTokenInASocketsQueryNeverReachesASpan() {
        Tenants.Credentials tenant = Tenants.create("traces-token");
        String token = given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .post("/api/v1/sessions/traced-token/client-tokens").then().statusCode(201).extract().path("token");
        try (ChatClient chat = ChatClient.connectTo(base, "ws/v1/chat/traced-token?access_token=" + token, null)) {
            chat.sendMessage("m1", "hello");
            chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT);
        }
        long session = new Db(dataSource).count("SELECT id FROM sessions WHERE tenant_id = ?::uuid", tenant.tenantId());
        await(s -> s.getName().equals("deliver message") && Long.valueOf(session).equals(
                s.getAttributes().get(Traces.SESSION_ID)), "the reply's delivery, the last span of the message");
        for (SpanData span : spans.getFinishedSpanItems()) {
            assertFalse(span.getAttributes().asMap().values().stream().anyMatch(v -> String.valueOf(v).contains(token)),
                    "a span carries the token: " + span.getName());
        }
    }

    @Test
    void aChatMessageStartsATraceThatItsProcessingContinues() {
        Tenants.Credentials tenant = Tenants.create("traces-ws");
        try (ChatClient chat = ChatClient.connect(base, "traced-ws", tenant.apiKey(), null)) {
            chat.sendMessage("m1", "hello");
            chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT);
        }
        String stored = new Db(dataSource).text("SELECT e.trace_parent FROM events e JOIN sessions s ON s.id = "
                + "e.session_id WHERE s.tenant_id = ?::uuid AND e.type = 'user_message'", tenant.tenantId());
        String chatSpanId = stored.split("-")[2];
        SpanData chat = await(s -> s.getName().equals("chat message") && s.getSpanId().equals(chatSpanId),
                "the chat message's span");
        await(s -> s.getName().equals("process user_message") && s.getParentSpanId().equals(chat.getSpanId()),
                "processing, a child of the chat message");
    }

    private SpanData await(java.util.function.Predicate<SpanData> wanted, String what) {
        Eventually.within(WAIT, what, () -> find(wanted).isPresent());
        return find(wanted).orElseThrow();
    }

    private Optional<SpanData> find(java.util.function.Predicate<SpanData> wanted) {
        List<SpanData> finished = spans.getFinishedSpanItems();
        return finished.stream().filter(wanted).findFirst();
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        random[0] |= 1; // never all zeros, which is an invalid id
        return HexFormat.of().formatHex(random);
    }
}
