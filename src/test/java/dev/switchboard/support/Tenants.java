package dev.switchboard.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import java.util.UUID;

/** Creates a fresh tenant and API key through the admin API, so every test starts isolated. */
public final class Tenants {
    public static final String ADMIN_TOKEN = "test-admin-token";

    private Tenants() {
    }

    public record Credentials(String tenantId, String apiKey) {
    }

    public static Credentials create(String name) {
        String tenantId = given().contentType(ContentType.JSON).auth().oauth2(ADMIN_TOKEN)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body("{\"name\":\"" + name + "\"}")
                .post("/api/v1/admin/tenants")
                .then().statusCode(201).extract().path("id");
        String key = given().contentType(ContentType.JSON).auth().oauth2(ADMIN_TOKEN)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .post("/api/v1/admin/tenants/" + tenantId + "/api-keys")
                .then().statusCode(201).extract().path("key");
        return new Credentials(tenantId, key);
    }
}
