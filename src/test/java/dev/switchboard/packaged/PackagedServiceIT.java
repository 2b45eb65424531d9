package dev.switchboard.packaged;

import static dev.switchboard.channels.whatsapp.WhatsAppFixture.newWamid;
import static dev.switchboard.channels.whatsapp.WhatsAppFixture.textMessage;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.channels.whatsapp.WhatsAppFixture;
import dev.switchboard.support.ChatClient;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The packaged application as it ships (prod profile; the jar in {@code mvn verify}, the native
 * executable with {@code -Dnative}), from outside: health, metrics, both channels, bad input.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppConfig.class)
class PackagedServiceIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TestHTTPResource("/")
    URI base;

    @Test
    void healthAndMetricsAnswer() {
        given().get("/q/health/live").then().statusCode(200)
                .body("checks.find { it.name == 'commit-writers' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'scheduler' }.status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("switchboard_group_commit_queue"))
                .body(containsString("switchboard_outbox_pending"))
                .body(containsString("agroal_"));
    }

    @Test
    void aMessageOverRestIsAnsweredAndBadInputIsAProblem() {
        Tenants.Credentials tenant = Tenants.create("packaged-rest");
        given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("id", "m1", "text", "hello")).post("/api/v1/sessions/rest-1/messages")
                .then().statusCode(202);
        Eventually.within(WAIT, "the bot answered", () -> given().auth().oauth2(tenant.apiKey())
                .get("/api/v1/sessions/rest-1/messages").then().statusCode(200).extract()
                .<List<String>>path("items.direction").contains("out"));

        given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body("{\"id\":\"m2\",\"text\":\"a\\u0000b\"}").post("/api/v1/sessions/rest-1/messages")
                .then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2("not-a-key").get("/api/v1/sessions/rest-1/messages").then().statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void webChatOverAWebSocket() {
        Tenants.Credentials tenant = Tenants.create("packaged-ws");
        try (ChatClient chat = ChatClient.connect(base, "ws-1", tenant.apiKey(), null)) {
            chat.sendMessage("m1", "hello");
            List<JsonNode> replies = chat.collect(f -> ChatClient.isType(f, "message"), 1, WAIT);
            assertEquals(1, replies.get(0).path("replyTo").asLong());
        }
    }

    @Test
    void aWhatsAppMessageIsAnsweredThroughTheGraphApi() {
        WhatsAppFixture wa = WhatsAppFixture.create("packaged-wa");
        String waId = "15557771234";
        wa.deliver(wa.body(null, textMessage(waId, newWamid(), "hello"), null)).statusCode(200);
        Eventually.within(WAIT, "the reply reached the Graph API", () -> !wa.textsTo(waId).isEmpty());

        given().contentType("application/json").header("X-Hub-Signature-256", "sha256=00")
                .body(wa.body(null, textMessage(waId, newWamid(), "forged"), null)).post(wa.webhookPath())
                .then().statusCode(401);
    }
}
