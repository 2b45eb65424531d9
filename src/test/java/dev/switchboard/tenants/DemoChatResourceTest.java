package dev.switchboard.tenants;

import static io.restassured.RestAssured.given;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The demo chat sessions exist in the dev profile only: anywhere else nobody gets a token for free. */
@QuarkusTest
class DemoChatResourceTest {
    @Test
    void outsideTheDevProfileThereIsNoDemoSession() {
        given().post("/chat/demo-session").then().statusCode(404).contentType("application/problem+json");
    }
}
