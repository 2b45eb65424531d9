package dev.switchboard.tenants;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.switchboard.support.ChatClient;
import dev.switchboard.support.Tenants;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Browsers hold a short-lived token for one session instead of the tenant's API key. */
@QuarkusTest
class ClientTokenTest {
    @TestHTTPResource("/")
    URI base;
    @Inject
    ClientTokens tokens;

    private String token(Tenants.Credentials tenant, String session) {
        return given().auth().oauth2(tenant.apiKey()).header("Idempotency-Key", UUID.randomUUID().toString())
                .post("/api/v1/sessions/" + session + "/client-tokens").then().statusCode(201).extract().path("token");
    }

    private int upgradeWithQueryToken(String session, String token) {
        URI uri = URI.create(base.toString().replaceFirst("^http", "ws") + "ws/v1/chat/" + session + "?access_token="
                + token);
        try {
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(uri, new WebSocket.Listener() {
                    }).join();
            ws.abort();
            return 101;
        } catch (CompletionException e) {
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
    }

    @Test
    void aTokenOpensItsOwnSessionByHeaderOrQuery() {
        Tenants.Credentials tenant = Tenants.create("tok-" + UUID.randomUUID());
        String token = token(tenant, "browser-1");
        try (ChatClient chat = ChatClient.connect(base, "browser-1", token, null)) {
            chat.sendMessage("m1", "hello");
            assertEquals("accepted", chat.next(Duration.ofSeconds(10)).path("type").asText());
        }
        assertEquals(101, upgradeWithQueryToken("browser-1", token));
    }

    @Test
    void wrongSessionTamperedAndExpiredTokensAreRefused() {
        Tenants.Credentials tenant = Tenants.create("tok-" + UUID.randomUUID());
        String token = token(tenant, "browser-2");
        assertEquals(401, upgradeWithQueryToken("another-session", token));
        String[] parts = token.split("\\.");
        String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "xx." + parts[2];
        assertEquals(401, upgradeWithQueryToken("browser-2", tampered));
        String expired = tokens.issue(new TenantId(UUID.fromString(tenant.tenantId())), "browser-2",
                Instant.now().minusSeconds(1));
        assertEquals(401, upgradeWithQueryToken("browser-2", expired));
        assertThrows(CompletionException.class, () -> ChatClient.connect(base, "browser-2", expired, null));
        given().auth().oauth2(token).get("/api/v1/sessions/browser-2").then().statusCode(401);
    }
}
