package dev.switchboard.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.switchboard.agent.llm.FakeLlmServer;
import dev.switchboard.agent.llm.LlmProfile;
import dev.switchboard.support.Tenants;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The widget shows an LLM's answer as it streams, then the one final message in its place. */
@QuarkusTest
@TestProfile(LlmProfile.class)
class ChatStreamingBrowserTest extends InBrowser {
    @TestHTTPResource("/")
    URI base;

    @Test
    void streamedTokensAppearAsTheyArriveAndTheFinalMessageReplacesThem() {
        FakeLlmServer.get().mode = FakeLlmServer.Mode.NORMAL;
        CircuitBreakerMaintenance.get().resetAll();
        Tenants.Credentials tenant = Tenants.create("stream-" + UUID.randomUUID());
        String session = "stream-" + UUID.randomUUID().toString().substring(0, 8);
        String token = given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .post("/api/v1/sessions/" + session + "/client-tokens").then().statusCode(201).extract().path("token");
        try (BrowserContext context = browser.newContext()) {
            Page chat = context.newPage();
            chat.navigate(base + "chat/#session=" + session + "&token=" + token);
            assertThat(chat.locator("switchboard-chat[data-status='online']")).isVisible();
            // every text the streaming bubble shows, as the tokens change it
            chat.evaluate("() => { window.streamed = []; const root = document.querySelector('switchboard-chat').shadowRoot;"
                    + " new MutationObserver(() => root.querySelectorAll('li.streaming .text').forEach(n => "
                    + "window.streamed.push(n.textContent))).observe(root, {subtree: true, childList: true, "
                    + "characterData: true}); }");
            Locator input = chat.locator("switchboard-chat textarea");
            input.fill("what are your prices?");
            input.press("Enter");

            String answer = String.join("", FakeLlmServer.TOKENS);
            assertThat(chat.locator("switchboard-chat li.bot:not(.streaming)")).containsText(answer,
                    new LocatorAssertions.ContainsTextOptions().setTimeout(20_000));
            assertThat(chat.locator("switchboard-chat li.streaming")).hasCount(0);
            assertThat(chat.locator("switchboard-chat li.bot")).hasCount(1);
            @SuppressWarnings("unchecked")
            List<String> streamed = (List<String>) chat.evaluate("() => window.streamed");
            assertFalse(streamed.stream().filter(s -> !s.isEmpty()).toList().isEmpty(), "no token was shown");
            assertTrue(streamed.stream().allMatch(answer::startsWith), "the tokens build up the answer: " + streamed);
        }
    }
}
