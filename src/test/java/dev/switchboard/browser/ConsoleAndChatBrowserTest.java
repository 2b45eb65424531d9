package dev.switchboard.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The customer's chat widget and the agent's console in headless Chromium, used as people use them:
 * a customer talks to the bot and asks for a person, an agent sees it arrive live, claims, replies,
 * notes and resolves, and the bot answers again.
 */
@QuarkusTest
class ConsoleAndChatBrowserTest extends InBrowser {
    private static final LocatorAssertions.ContainsTextOptions WAIT = new LocatorAssertions.ContainsTextOptions()
            .setTimeout(20_000);
    private static final LocatorAssertions.IsVisibleOptions VISIBLE = new LocatorAssertions.IsVisibleOptions()
            .setTimeout(20_000);

    @TestHTTPResource("/")
    URI base;

    Tenants.Credentials tenant;
    String agentToken;
    String agentName;

    @BeforeEach
    void setUp() {
        tenant = Tenants.create("browser-" + UUID.randomUUID());
        agentName = "Ann " + UUID.randomUUID().toString().substring(0, 4);
        agentToken = given().contentType(ContentType.JSON).auth().oauth2(Tenants.ADMIN_TOKEN)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("name", agentName, "email", UUID.randomUUID() + "@example.com"))
                .post("/api/v1/admin/tenants/" + tenant.tenantId() + "/agents").then().statusCode(201)
                .extract().path("token");
    }

    private String clientToken(String session) {
        return given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .post("/api/v1/sessions/" + session + "/client-tokens").then().statusCode(201).extract().path("token");
    }

    private Page openChat(BrowserContext context, String session) {
        Page page = context.newPage();
        page.navigate(base + "chat/#session=" + session + "&token=" + clientToken(session));
        assertThat(page.locator("switchboard-chat[data-status='online']")).isVisible(VISIBLE);
        return page;
    }

    private static void say(Page chat, String text) {
        Locator input = chat.locator("switchboard-chat textarea");
        input.fill(text);
        input.press("Enter");
    }

    private Page signIn(BrowserContext context) {
        Page page = context.newPage();
        page.navigate(base + "console/");
        page.getByLabel("Agent token").fill(agentToken);
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Sign in")).click();
        assertThat(page.locator("#me")).containsText(agentName, WAIT);
        assertThat(page.locator("body[data-connection='online']")).isVisible(VISIBLE);
        assertThat(page.locator("#sign-in")).isHidden();
        assertFalse(page.url().contains(agentToken), "the token never goes into the page's URL");
        return page;
    }

    @Test
    void aCustomerIsHandedToAnAgentWhoAnswersNotesAndResolvesAndTheBotAnswersAgain() {
        String session = "browser-" + UUID.randomUUID().toString().substring(0, 8);
        try (BrowserContext customerSide = browser.newContext(); BrowserContext agentSide = browser.newContext()) {
            Page chat = openChat(customerSide, session);
            say(chat, "hello");
            assertThat(chat.locator("switchboard-chat li.bot").first()).isVisible(VISIBLE);

            Page console = signIn(agentSide);
            say(chat, "I want to speak to a human please");
            Locator waiting = console.locator("#conversations li[data-status='pending']", new Page.LocatorOptions()
                    .setHasText(session));
            assertThat(waiting).isVisible(VISIBLE); // arrived live, without a reload
            Browsers.screenshot(console, "console-inbox-pending");
            waiting.click();
            assertThat(console.locator("#transcript li.state").first()).containsText("→", WAIT); // the bot's flow
            assertThat(console.locator("#bot-state")).containsText("State:", WAIT);
            console.locator("#claim").click();
            assertThat(console.locator("#conversation-status")).containsText("open", WAIT);

            console.locator("#reply-text").pressSequentially("Hi");
            assertThat(chat.locator("switchboard-chat .typing")).containsText(agentName + " is typing", WAIT);
            console.locator("#reply-text").fill("Hi, this is " + agentName + ". How can I help?");
            console.locator("#reply-text").press("Enter");
            assertThat(chat.locator("switchboard-chat li.agent")).containsText("How can I help?", WAIT);
            assertThat(chat.locator("switchboard-chat li.event")).containsText(agentName + " joined", WAIT);
            assertThat(console.locator("#transcript li.agent", new Page.LocatorOptions().setHasText("How can I help?")))
                    .hasCount(1); // shown at once, confirmed, and not repeated when the feed echoes it

            console.locator("#note-mode").check();
            console.locator("#reply-text").fill("VIP customer, be nice");
            console.locator("#reply-text").press("Enter");
            assertThat(console.locator("#transcript li.note")).containsText("VIP customer", WAIT);
            console.locator("#note-mode").uncheck();
            console.locator("#reply-text").fill("One moment please");
            console.locator("#reply-text").press("Enter");
            assertThat(chat.locator("switchboard-chat li.agent").last()).containsText("One moment", WAIT);
            assertThat(chat.locator("switchboard-chat")).not().containsText("VIP customer");
            Browsers.screenshot(console, "console-conversation");
            Browsers.screenshot(chat, "chat-with-agent");

            console.locator("#resolve").click();
            assertThat(console.locator("#conversation-status")).containsText("resolved", WAIT);
            int botAnswers = chat.locator("switchboard-chat li.bot").count();
            say(chat, "hello again");
            assertThat(chat.locator("switchboard-chat li.bot")).hasCount(botAnswers + 1,
                    new LocatorAssertions.HasCountOptions().setTimeout(20_000));
        }
    }

    @Test
    void theConsoleRecoversFromACutConnectionWithoutMissingOrRepeatingAMessage() {
        String session = "cut-" + UUID.randomUUID().toString().substring(0, 8);
        // the agent on a phone-sized window this time
        try (BrowserContext customerSide = browser.newContext(); BrowserContext agentSide = browser.newContext(
                new Browser.NewContextOptions().setViewportSize(390, 844))) {
            Page chat = openChat(customerSide, session);
            say(chat, "I want to speak to a human please");
            Page console = signIn(agentSide);
            Locator row = console.locator("#conversations li", new Page.LocatorOptions().setHasText(session));
            assertThat(row).isVisible(VISIBLE);
            row.click();
            assertThat(console.locator("#transcript")).containsText("speak to a human", WAIT);

            console.evaluate("() => window.deskFeed.socket.close()");
            assertThat(console.locator("#connection")).containsText("offline", WAIT);
            say(chat, "are you there?");
            assertThat(console.locator("body[data-connection='online']")).isVisible(VISIBLE);
            assertThat(console.locator("#transcript")).containsText("are you there?", WAIT);
            assertThat(console.locator("#transcript li.in", new Page.LocatorOptions().setHasText("are you there?")))
                    .hasCount(1);
            Browsers.screenshot(console, "console-phone");
        }
    }

    @Test
    void theWidgetKeepsTheConversationAcrossAReload() {
        String session = "reload-" + UUID.randomUUID().toString().substring(0, 8);
        try (BrowserContext customerSide = browser.newContext()) {
            Page chat = openChat(customerSide, session);
            say(chat, "hello");
            assertThat(chat.locator("switchboard-chat li.bot").first()).isVisible(VISIBLE);
            int before = chat.locator("switchboard-chat li").count();

            chat.reload();
            assertThat(chat.locator("switchboard-chat[data-status='online']")).isVisible(VISIBLE);
            assertThat(chat.locator("switchboard-chat li")).hasCount(before); // nothing lost, nothing twice
            say(chat, "what are your opening hours?");
            assertThat(chat.locator("switchboard-chat li.bot")).hasCount(2,
                    new LocatorAssertions.HasCountOptions().setTimeout(20_000));
            Browsers.screenshot(chat, "chat-after-reload");
        }
    }

    @Test
    void theAnalyticsPageShowsTheNumbersTheApiReturns() {
        String session = "numbers-" + UUID.randomUUID().toString().substring(0, 8);
        try (BrowserContext customerSide = browser.newContext(); BrowserContext agentSide = browser.newContext()) {
            Page chat = openChat(customerSide, session);
            say(chat, "I want to speak to a human please");
            String today = LocalDate.now(ZoneOffset.UTC).toString();
            Eventually.within(Duration.ofSeconds(20), "the handoff is counted", () -> given().auth().oauth2(agentToken)
                    .get("/api/v1/analytics/summary?from=" + today + "&to=" + today + "&tz=UTC").then().statusCode(200)
                    .extract().<Integer>path("conversations.handedOff") == 1);

            Page console = signIn(agentSide);
            console.navigate(base + "console/#analytics");
            assertThat(console.locator("#inbox-page")).isHidden();
            console.locator("#from").fill(today);
            console.locator("#to").fill(today);
            console.evaluate("() => { Intl.DateTimeFormat = function () { return { resolvedOptions: () => ({ timeZone: 'UTC' }) }; }; }");
            console.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                    new Page.GetByRoleOptions().setName("Show")).click();
            Map<String, Object> summary = given().auth().oauth2(agentToken)
                    .get("/api/v1/analytics/summary?from=" + today + "&to=" + today + "&tz=UTC").then().statusCode(200)
                    .extract().path("conversations");
            assertThat(console.locator("#figure-conversations-created")).containsText(
                    String.valueOf(summary.get("created")), WAIT);
            assertThat(console.locator("#figure-conversations-handed-off")).containsText("1", WAIT);
            assertThat(console.locator("#daily svg rect").first()).isVisible(VISIBLE);
            assertEquals(String.valueOf(summary.get("handedOff")),
                    console.locator("#figure-conversations-handed-off").textContent());
            Browsers.screenshot(console, "console-analytics");

            console.locator("#sign-out").click();
            assertThat(console.locator("#sign-in")).isVisible(VISIBLE);
            console.reload();
            assertThat(console.getByLabel("Agent token")).isVisible(VISIBLE); // the token is gone with the sign-out
        }
    }
}
