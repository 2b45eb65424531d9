package dev.switchboard.channels.whatsapp;

import static dev.switchboard.channels.whatsapp.WhatsAppFixture.newWamid;
import static dev.switchboard.channels.whatsapp.WhatsAppFixture.textMessage;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Db;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The operator's API of WhatsApp channels: secrets go in and never come out, and changes reach the webhook. */
@QuarkusTest
@QuarkusTestResource(GraphApiFake.class)
class WhatsAppChannelAdminTest {
    private static final String PROBLEM = "application/problem+json";

    @Inject
    DataSource dataSource;

    private static RequestSpecification admin() {
        return given().contentType(ContentType.JSON).auth().oauth2(Tenants.ADMIN_TOKEN);
    }

    private static String channels(String tenantId) {
        return "/api/v1/admin/tenants/" + tenantId + "/channels/whatsapp";
    }

    private static ValidatableResponse create(String tenantId, Object body) {
        return admin().header("Idempotency-Key", UUID.randomUUID().toString()).body(body)
                .post(channels(tenantId)).then();
    }

    private static String newPhoneNumberId() {
        return String.valueOf(ThreadLocalRandom.current().nextLong(200_000_000_000L, 999_999_999_999L));
    }

    /** Valid settings with fresh secrets. */
    private static Map<String, Object> settings(String phoneNumberId) {
        return new HashMap<>(Map.of("phoneNumberId", phoneNumberId,
                "accessToken", "EAAG" + UUID.randomUUID().toString().replace("-", ""),
                "appSecret", "secret" + UUID.randomUUID().toString().replace("-", ""),
                "verifyToken", "verify-" + UUID.randomUUID()));
    }

    private static String tenant() {
        return Tenants.create("wa-admin-" + UUID.randomUUID()).tenantId();
    }

    private static ValidatableResponse signedPost(String path, String secret, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return given().contentType("application/json").header("X-Hub-Signature-256", WhatsAppFixture.sign(secret, bytes))
                .body(bytes).post(path).then();
    }

    private static ValidatableResponse handshake(String path, String verifyToken) {
        return given().queryParam("hub.mode", "subscribe").queryParam("hub.verify_token", verifyToken)
                .queryParam("hub.challenge", "42").get(path).then();
    }

    @Test
    void aCreatedChannelShowsItsWebhookButNeverItsSecretsAndStoresThemSealed() {
        String tenantId = tenant();
        Map<String, Object> settings = settings(newPhoneNumberId());
        String accessToken = (String) settings.get("accessToken");

        String created = create(tenantId, settings).statusCode(201).contentType(ContentType.JSON)
                .body("phoneNumberId", equalTo(settings.get("phoneNumberId")))
                .body("accessTokenEnding", equalTo(accessToken.substring(accessToken.length() - 4)))
                .extract().asString();
        String id = JsonPath.from(created).getString("id");
        assertEquals("/webhooks/whatsapp/" + id, JsonPath.from(created).getString("webhookPath"));
        String listed = admin().get(channels(tenantId)).then().statusCode(200)
                .body("$", hasSize(1)).body("[0].id", equalTo(id)).extract().asString();

        Db db = new Db(dataSource);
        for (String secret : new String[] {"accessToken", "appSecret", "verifyToken"}) {
            String plaintext = (String) settings.get(secret);
            assertFalse(created.contains(plaintext), secret + " in the POST response");
            assertFalse(listed.contains(plaintext), secret + " in the list");
        }
        for (String[] column : new String[][] {{"access_token", "accessToken"}, {"app_secret", "appSecret"},
                {"verify_token", "verifyToken"}}) {
            String stored = db.text("SELECT " + column[0] + " FROM whatsapp_channels WHERE id = ?::uuid", id);
            assertTrue(stored.startsWith("v1:"), column[0] + " is sealed: " + stored);
            assertFalse(stored.contains((String) settings.get(column[1])), column[0] + " holds the plaintext");
        }
    }

    @Test
    void aPhoneNumberIdBelongsToOneChannelInTheWholeService() {
        String phoneNumberId = newPhoneNumberId();
        String tenantId = tenant();
        create(tenantId, settings(phoneNumberId)).statusCode(201);
        create(tenantId, settings(phoneNumberId)).statusCode(409).contentType(PROBLEM);
        create(tenant(), settings(phoneNumberId)).statusCode(409).contentType(PROBLEM);
    }

    @Test
    void invalidSettingsAreRefusedWith400AndNothingIsCreated() {
        String tenantId = tenant();
        Map<String, Object> missing = settings(newPhoneNumberId());
        missing.remove("appSecret");
        Map<String, Object> nonNumeric = settings("12345abc");
        Map<String, Object> spacedSecret = settings(newPhoneNumberId());
        spacedSecret.put("verifyToken", "two words");
        Map<String, Object> noRate = settings(newPhoneNumberId());
        noRate.put("sendRate", 0);

        for (Object body : new Object[] {missing, nonNumeric, spacedSecret, noRate, "{\"phoneNumberId\":", "{}"}) {
            create(tenantId, body).statusCode(400).contentType(PROBLEM);
        }
        admin().get(channels(tenantId)).then().statusCode(200).body("$", hasSize(0));
    }

    @Test
    void anUnknownTenantIs404AndTheAdminTokenIsRequired() {
        create(UUID.randomUUID().toString(), settings(newPhoneNumberId())).statusCode(404).contentType(PROBLEM);
        String tenantId = tenant();
        given().contentType(ContentType.JSON).header("Idempotency-Key", UUID.randomUUID().toString())
                .body(settings(newPhoneNumberId())).post(channels(tenantId)).then().statusCode(401).contentType(PROBLEM);
        given().contentType(ContentType.JSON).auth().oauth2("not-the-admin-token")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(settings(newPhoneNumberId())).post(channels(tenantId)).then().statusCode(401);
        given().get(channels(tenantId)).then().statusCode(401);
    }

    @Test
    void rotatedSecretsTakeEffectAtOnceAtTheWebhookAndForSends() {
        WhatsAppFixture wa = WhatsAppFixture.create("wa-rotate");
        String oldSecret = wa.appSecret;
        String newSecret = "rotated" + UUID.randomUUID().toString().replace("-", "");
        String newToken = "EAAGrotated" + UUID.randomUUID().toString().replace("-", "");
        admin().body(Map.of("appSecret", newSecret, "accessToken", newToken))
                .put(channels(wa.tenant.tenantId()) + "/" + wa.channelId).then().statusCode(200)
                .body("id", equalTo(wa.channelId))
                .body("phoneNumberId", equalTo(wa.phoneNumberId))
                .body("accessTokenEnding", equalTo(newToken.substring(newToken.length() - 4)));

        String waId = "15551239001";
        String body = wa.body(null, textMessage(waId, newWamid(), "hello"), null);
        signedPost(wa.webhookPath(), oldSecret, body).statusCode(401);
        signedPost(wa.webhookPath(), newSecret, body).statusCode(200);
        Eventually.within(Duration.ofSeconds(10), "the reply sent", () -> wa.textsTo(waId).size() == 1);
        assertEquals("Bearer " + newToken, wa.textsTo(waId).get(0).getHeader("Authorization"));
        // the verify token was not given, so it stayed
        handshake(wa.webhookPath(), wa.verifyToken).statusCode(200).body(equalTo("42"));
    }

    @Test
    void thePhoneNumberIdCannotChangeAndAnUnknownChannelIs404() {
        WhatsAppFixture wa = WhatsAppFixture.create("wa-put");
        admin().body(Map.of("phoneNumberId", newPhoneNumberId()))
                .put(channels(wa.tenant.tenantId()) + "/" + wa.channelId).then().statusCode(400).contentType(PROBLEM);
        admin().body(Map.of("sendRate", 0))
                .put(channels(wa.tenant.tenantId()) + "/" + wa.channelId).then().statusCode(400);
        admin().body(Map.of("sendRate", 5)).put(channels(wa.tenant.tenantId()) + "/" + UUID.randomUUID())
                .then().statusCode(404).contentType(PROBLEM);
        admin().get(channels(wa.tenant.tenantId())).then().body("[0].phoneNumberId", equalTo(wa.phoneNumberId));
    }

    @Test
    void aDeletedChannelsWebhookIsGone() {
        WhatsAppFixture wa = WhatsAppFixture.create("wa-delete");
        handshake(wa.webhookPath(), wa.verifyToken).statusCode(200);

        admin().delete(channels(wa.tenant.tenantId()) + "/" + wa.channelId).then().statusCode(204);

        handshake(wa.webhookPath(), wa.verifyToken).statusCode(404);
        signedPost(wa.webhookPath(), wa.appSecret, wa.body(null, textMessage("15551239002", newWamid(), "hi"), null))
                .statusCode(404);
        admin().delete(channels(wa.tenant.tenantId()) + "/" + wa.channelId).then().statusCode(404).contentType(PROBLEM);
        admin().get(channels(wa.tenant.tenantId())).then().statusCode(200).body("$", hasSize(0));
    }

    @Test
    void aTenantCannotChangeOrDeleteAnotherTenantsChannel() {
        WhatsAppFixture a = WhatsAppFixture.create("wa-owner");
        String b = tenant();
        admin().body(Map.of("appSecret", "stolen-secret")).put(channels(b) + "/" + a.channelId)
                .then().statusCode(404);
        admin().delete(channels(b) + "/" + a.channelId).then().statusCode(404);
        admin().get(channels(b)).then().statusCode(200).body("$", hasSize(0));

        a.deliver(a.body(null, textMessage("15551239003", newWamid(), "hello"), null)).statusCode(200);
        handshake(a.webhookPath(), a.verifyToken).statusCode(200);
    }
}
