package dev.switchboard.channels.whatsapp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.switchboard.support.Tenants;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A tenant with a configured WhatsApp channel, and Meta's side of it: webhook bodies built like
 * Meta's, signed the way Meta signs them, and the Graph API's stubs for this channel's number.
 */
public final class WhatsAppFixture {
    private static final AtomicLong SEQUENCE = new AtomicLong(System.currentTimeMillis() % 1_000_000);

    public final Tenants.Credentials tenant;
    public final String phoneNumberId;
    public final String channelId;
    public final String accessToken;
    public String appSecret;
    public final String verifyToken;

    private WhatsAppFixture(Tenants.Credentials tenant, String phoneNumberId, String channelId, String accessToken,
            String appSecret, String verifyToken) {
        this.tenant = tenant;
        this.phoneNumberId = phoneNumberId;
        this.channelId = channelId;
        this.accessToken = accessToken;
        this.appSecret = appSecret;
        this.verifyToken = verifyToken;
    }

    /** A new tenant with a new channel whose Graph API answers every send with a fresh wamid. */
    public static WhatsAppFixture create(String name) {
        return create(name, Map.of());
    }

    public static WhatsAppFixture create(String name, Map<String, Object> extraSettings) {
        Tenants.Credentials tenant = Tenants.create(name + "-" + UUID.randomUUID());
        String phoneNumberId = String.valueOf(100_000_000_000L + SEQUENCE.incrementAndGet() * 7919
                + ThreadLocalRandom.current().nextInt(1000));
        String accessToken = "EAAG" + UUID.randomUUID().toString().replace("-", "");
        String appSecret = "secret" + UUID.randomUUID().toString().replace("-", "");
        String verifyToken = "verify-" + UUID.randomUUID();
        Map<String, Object> settings = new java.util.HashMap<>(Map.of("phoneNumberId", phoneNumberId,
                "accessToken", accessToken, "appSecret", appSecret, "verifyToken", verifyToken));
        settings.putAll(extraSettings);
        String channelId = given().contentType(ContentType.JSON).auth().oauth2(Tenants.ADMIN_TOKEN)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(settings)
                .post("/api/v1/admin/tenants/" + tenant.tenantId() + "/channels/whatsapp")
                .then().log().ifValidationFails().statusCode(201).extract().path("id");
        WhatsAppFixture fixture = new WhatsAppFixture(tenant, phoneNumberId, channelId, accessToken, appSecret,
                verifyToken);
        fixture.answerSendsWithWamids();
        return fixture;
    }

    public String messagesPath() {
        return GraphApiFake.VERSION_PATH + "/" + phoneNumberId + "/messages";
    }

    /** Stubs for this channel's number: each send answered with a wamid made from the request's own id. */
    public void answerSendsWithWamids() {
        GraphApiFake.server().stubFor(sends().atPriority(10).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"x\",\"wa_id\":\"x\"}],"
                        + "\"messages\":[{\"id\":\"wamid.{{randomValue length=24 type='ALPHANUMERIC'}}\"}]}")
                .withTransformers("response-template")));
        GraphApiFake.server().stubFor(post(urlEqualTo(messagesPath())).atPriority(9)
                .withRequestBody(matchingJsonPath("$.status", equalTo("read")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"success\":true}")));
    }

    /** The stub of text sends to this number, to give it another answer. */
    public MappingBuilder sends() {
        return post(urlEqualTo(messagesPath())).withRequestBody(matchingJsonPath("$.type", equalTo("text")));
    }

    /** Every text message sent to {@code waId}, oldest first. */
    public List<LoggedRequest> textsTo(String waId) {
        return GraphApiFake.server().findAll(com.github.tomakehurst.wiremock.client.WireMock
                .postRequestedFor(urlEqualTo(messagesPath()))
                .withRequestBody(matchingJsonPath("$.to", equalTo(waId))));
    }

    /** Every read receipt sent from this number. */
    public List<LoggedRequest> readReceipts() {
        return GraphApiFake.server().findAll(com.github.tomakehurst.wiremock.client.WireMock
                .postRequestedFor(urlEqualTo(messagesPath()))
                .withRequestBody(matchingJsonPath("$.status", equalTo("read"))));
    }

    public String webhookPath() {
        return "/webhooks/whatsapp/" + channelId;
    }

    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Posts a body signed with the channel's app secret, as Meta does. */
    public ValidatableResponse deliver(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return given().contentType("application/json").header("X-Hub-Signature-256", sign(appSecret, bytes))
                .body(bytes).post(webhookPath()).then();
    }

    public static String newWamid() {
        return "wamid.HBgL" + UUID.randomUUID().toString().replace("-", "").toUpperCase();
    }

    public String sessionKey(String waId) {
        return "wa:" + phoneNumberId + ":" + waId;
    }

    // ---- bodies as Meta writes them ----

    /** One entry, one change, with the given messages and statuses (JSON arrays' contents) from one contact. */
    public String body(String contacts, String messages, String statuses) {
        return "{\"object\":\"whatsapp_business_account\",\"entry\":[" + entry(contacts, messages, statuses) + "]}";
    }

    public String entry(String contacts, String messages, String statuses) {
        return "{\"id\":\"WABA_ID\",\"changes\":[" + change(contacts, messages, statuses) + "]}";
    }

    public String change(String contacts, String messages, String statuses) {
        StringBuilder value = new StringBuilder("{\"messaging_product\":\"whatsapp\",\"metadata\":{"
                + "\"display_phone_number\":\"15550001111\",\"phone_number_id\":\"" + phoneNumberId + "\"}");
        if (contacts != null) {
            value.append(",\"contacts\":[").append(contacts).append("]");
        }
        if (messages != null) {
            value.append(",\"messages\":[").append(messages).append("]");
        }
        if (statuses != null) {
            value.append(",\"statuses\":[").append(statuses).append("]");
        }
        return "{\"field\":\"messages\",\"value\":" + value + "}}";
    }

    public static String contact(String waId, String name) {
        return "{\"profile\":{\"name\":" + json(name) + "},\"wa_id\":\"" + waId + "\"}";
    }

    public static String textMessage(String waId, String wamid, String text) {
        return message(waId, wamid, "text", "\"text\":{\"body\":" + json(text) + "}");
    }

    /** A message of any type: {@code content} is the JSON members after "type". */
    public static String message(String waId, String wamid, String type, String content) {
        return "{\"from\":\"" + waId + "\",\"id\":\"" + wamid + "\",\"timestamp\":\""
                + System.currentTimeMillis() / 1000 + "\",\"type\":\"" + type + "\""
                + (content == null || content.isEmpty() ? "" : "," + content) + "}";
    }

    public static String status(String wamid, String status, String recipient) {
        return "{\"id\":\"" + wamid + "\",\"status\":\"" + status + "\",\"timestamp\":\""
                + System.currentTimeMillis() / 1000 + "\",\"recipient_id\":\"" + recipient + "\"}";
    }

    public static String failedStatus(String wamid, String recipient, int code, String title) {
        return "{\"id\":\"" + wamid + "\",\"status\":\"failed\",\"timestamp\":\"" + System.currentTimeMillis() / 1000
                + "\",\"recipient_id\":\"" + recipient + "\",\"errors\":[{\"code\":" + code + ",\"title\":"
                + json(title) + ",\"message\":" + json(title) + "}]}";
    }

    static String json(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
