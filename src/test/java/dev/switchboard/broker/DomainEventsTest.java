package dev.switchboard.broker;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.switchboard.channels.whatsapp.GraphApiFake;
import dev.switchboard.channels.whatsapp.WhatsAppFixture;
import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Domain events reach RabbitMQ (the real broker on localhost) from the outbox: every committed fact
 * once after deduplication by id, in order within its conversation, without message content; a broker
 * that stops taking messages delays them and loses none.
 */
@QuarkusTest
@TestProfile(DomainEventsTest.BrokerOn.class)
@QuarkusTestResource(GraphApiFake.class)
class DomainEventsTest {
    static final String EXCHANGE = "switchboard.events.test";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    public static class BrokerOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("switchboard.broker.enabled", "true",
                    "switchboard.broker.poll-interval", "200ms",
                    "switchboard.broker.confirm-timeout", "1s",
                    "switchboard.broker.max-backoff", "500ms",
                    "mp.messaging.outgoing.domain-events.exchange.name", EXCHANGE);
        }
    }

    @Inject
    DataSource dataSource;

    private Connection rabbit;
    private Channel channel;
    private String queue;

    @BeforeEach
    void bindAQueue() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("localhost");
        rabbit = factory.newConnection();
        channel = rabbit.createChannel();
        channel.exchangeDeclare(EXCHANGE, "topic", true);
        queue = channel.queueDeclare().getQueue();
        channel.queueBind(queue, EXCHANGE, "#");
    }

    @AfterEach
    void close() throws Exception {
        rabbit.close();
    }

    @Test
    void aConversationsFactsArriveInOrderOnceEachWithoutContent() throws Exception {
        WhatsAppFixture wa = WhatsAppFixture.create("broker");
        wa.answerSendsWithWamids();
        String waId = "4477009005555";
        wa.deliver(wa.body(WhatsAppFixture.contact(waId, "Rosa"), WhatsAppFixture.textMessage(waId,
                WhatsAppFixture.newWamid(), "I need a human about invoice 4711"), null)).statusCode(200);
        Eventually.within(WAIT, "the conversation waits for a person", () -> !pending(wa.tenant).isEmpty());
        String conversation = (String) pending(wa.tenant).get(0).get("id");
        List<JsonNode> received = new ArrayList<>();
        Eventually.within(WAIT, "the bot's reply accepted by WhatsApp", () -> {
            received.addAll(take());
            return received.stream().anyMatch(e -> "message.sent".equals(e.path("type").asText())
                    && conversation.equals(e.path("stream").asText()));
        });
        String agent = given().contentType(ContentType.JSON).auth().oauth2(Tenants.ADMIN_TOKEN)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("name", "Ann", "email", "ann-" + UUID.randomUUID() + "@example.com"))
                .post("/api/v1/admin/tenants/" + wa.tenant.tenantId() + "/agents").then().statusCode(201)
                .extract().path("id");
        desk(wa.tenant, Map.of("agentId", agent)).post("/api/v1/conversations/" + conversation + "/assign")
                .then().statusCode(200);
        desk(wa.tenant, Map.of("agentId", agent)).post("/api/v1/conversations/" + conversation + "/resolve")
                .then().statusCode(202);

        Eventually.within(WAIT, "the resolution published", () -> {
            received.addAll(take());
            return received.stream().anyMatch(e -> "conversation.resolved".equals(e.path("type").asText())
                    && conversation.equals(e.path("stream").asText()));
        });
        List<JsonNode> mine = dedupe(received).stream().filter(e -> conversation.equals(e.path("stream").asText()))
                .toList();
        List<String> types = mine.stream().map(e -> e.path("type").asText()).toList();
        assertEquals("conversation.created", types.get(0));
        assertTrue(types.indexOf("message.received") < types.indexOf("conversation.handed_off"), types.toString());
        assertTrue(types.indexOf("conversation.handed_off") < types.indexOf("conversation.assigned"), types.toString());
        assertEquals("conversation.resolved", types.get(types.size() - 1), types.toString());
        assertTrue(types.indexOf("message.sent") < types.indexOf("conversation.assigned"), types.toString());
        for (int i = 1; i < mine.size(); i++) {
            assertTrue(mine.get(i).path("position").asLong() > mine.get(i - 1).path("position").asLong(), "in order");
        }
        assertEquals(wa.tenant.tenantId(), mine.get(0).path("tenantId").asText());
        assertTrue(received.stream().noneMatch(e -> e.toString().contains("4711") || e.toString().contains("Rosa")),
                "ids, statuses and times only");
        assertEquals(new Db(dataSource).count("SELECT count(*) FROM domain_events WHERE stream_key = ?::uuid",
                conversation), mine.size(), "every recorded event of the conversation, once");
    }

    @Test
    void aBrokerThatStopsTakingMessagesDelaysEventsAndLosesNone() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/rabbitmqctl")), "rabbitmqctl is needed to raise an alarm");
        Tenants.Credentials tenant = Tenants.create("broker-down-" + UUID.randomUUID());
        given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("customer", Map.of("externalId", "c-1", "name", "Ada")))
                .post("/api/v1/sessions/broker-down/client-tokens").then().statusCode(201);
        String customer = given().auth().oauth2(tenant.apiKey()).get("/api/v1/customers?q=Ada").then().statusCode(200)
                .extract().path("items[0].id");
        // a memory alarm: the broker blocks every publisher, as it does when it runs out of memory or disk
        rabbitmqctl("set_vm_memory_high_watermark", "0");
        try {
            for (int i = 0; i < 5; i++) {
                given().contentType("application/merge-patch+json").auth().oauth2(tenant.apiKey())
                        .body(Map.of("name", "Ada " + i)).patch("/api/v1/customers/" + customer).then().statusCode(200);
            }
            Eventually.within(WAIT, "a round that the broker did not confirm", () -> given().get("/q/health/ready")
                    .then().extract().jsonPath().getBoolean("checks.find { it.name == 'broker' }.data.degraded"));
            assertEquals(5, new Db(dataSource).count("SELECT count(*) FROM domain_events WHERE stream_key = ?::uuid "
                    + "AND published_at IS NULL", customer), "recorded, not published");
            given().get("/q/health/ready").then().statusCode(200);
        } finally {
            rabbitmqctl("set_vm_memory_high_watermark", "0.4");
        }
        List<JsonNode> received = new ArrayList<>();
        Eventually.within(WAIT, "all five published", () -> {
            received.addAll(take());
            return dedupe(received).stream().filter(e -> customer.equals(e.path("stream").asText())).count() == 5;
        });
        List<JsonNode> updates = dedupe(received).stream().filter(e -> customer.equals(e.path("stream").asText()))
                .toList();
        updates.forEach(e -> assertEquals("customer.updated", e.path("type").asText()));
        for (int i = 1; i < updates.size(); i++) {
            assertTrue(updates.get(i).path("position").asLong() > updates.get(i - 1).path("position").asLong());
        }
        Eventually.within(WAIT, "marked published", () -> new Db(dataSource).count("SELECT count(*) FROM domain_events "
                + "WHERE stream_key = ?::uuid AND published_at IS NULL", customer) == 0);
        assertFalse(given().get("/q/health/ready").then().extract().jsonPath()
                .getBoolean("checks.find { it.name == 'broker' }.data.unpublished > 0"));
    }

    private static List<Map<String, Object>> pending(Tenants.Credentials tenant) {
        return given().auth().oauth2(tenant.apiKey()).get("/api/v1/conversations?status=pending").then().statusCode(200)
                .extract().path("items");
    }

    private static io.restassured.specification.RequestSpecification desk(Tenants.Credentials tenant,
            Map<String, Object> body) {
        return given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString()).body(body);
    }

    /** What the queue holds now; each message's id header matches its body's id. */
    private List<JsonNode> take() {
        try {
            return takeOrThrow();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private List<JsonNode> takeOrThrow() throws java.io.IOException {
        List<JsonNode> taken = new ArrayList<>();
        GetResponse response;
        while ((response = channel.basicGet(queue, true)) != null) {
            JsonNode event = JSON.readTree(new String(response.getBody(), StandardCharsets.UTF_8));
            assertEquals(event.path("id").asText(), response.getProps().getMessageId());
            assertEquals(event.path("type").asText(), response.getEnvelope().getRoutingKey());
            taken.add(event);
        }
        return taken;
    }

    /** A consumer's view: the first of each id, in arrival order. */
    private static List<JsonNode> dedupe(List<JsonNode> events) {
        Map<String, JsonNode> first = new LinkedHashMap<>();
        events.forEach(e -> first.putIfAbsent(e.path("id").asText(), e));
        return new ArrayList<>(first.values());
    }

    private static void rabbitmqctl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/sbin/rabbitmqctl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, "rabbitmqctl " + args[0]);
    }
}
