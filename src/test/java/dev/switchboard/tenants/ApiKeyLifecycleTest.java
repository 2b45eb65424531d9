package dev.switchboard.tenants;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.switchboard.support.Eventually;
import dev.switchboard.support.Tenants;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ApiKeyLifecycleTest {
    @Inject
    TenantDirectory directory;

    private static int status(String key) {
        return given().auth().oauth2(key).get("/api/v1/sessions/nothing-here").statusCode();
    }

    private static String keysPath(Tenants.Credentials tenant) {
        return "/api/v1/admin/tenants/" + tenant.tenantId() + "/api-keys";
    }

    private static String keyId(Tenants.Credentials tenant) {
        return given().auth().oauth2(Tenants.ADMIN_TOKEN).get(keysPath(tenant)).then().statusCode(200)
                .extract().path("[0].id");
    }

    @Test
    void keysAreListedByPrefixWithTheirLastUseAndNeverShownAgain() {
        Tenants.Credentials tenant = Tenants.create("keys-" + UUID.randomUUID());
        status(tenant.apiKey());
        directory.flushLastUsed();
        String listing = given().auth().oauth2(Tenants.ADMIN_TOKEN).get(keysPath(tenant)).then().statusCode(200)
                .body("$", hasSize(1))
                .body("[0].prefix", notNullValue())
                .body("[0].lastUsedAt", notNullValue())
                .body("[0].revokedAt", nullValue())
                .extract().asString();
        assertFalse(listing.contains(tenant.apiKey()), "the key itself is never listed");
        assertFalse(listing.contains("keyHash") || listing.contains("key_hash"));
    }

    @Test
    void aRevokedKeyIsRefusedAtOnce() {
        Tenants.Credentials tenant = Tenants.create("revoke-" + UUID.randomUUID());
        assertEquals(404, status(tenant.apiKey()));
        given().auth().oauth2(Tenants.ADMIN_TOKEN).delete(keysPath(tenant) + "/" + keyId(tenant))
                .then().statusCode(204);
        assertEquals(401, status(tenant.apiKey()));
        given().auth().oauth2(Tenants.ADMIN_TOKEN).delete(keysPath(tenant) + "/" + UUID.randomUUID())
                .then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void aRotatedKeyKeepsWorkingForTheOverlapThenStops() {
        Tenants.Credentials tenant = Tenants.create("rotate-" + UUID.randomUUID());
        String newKey = given().auth().oauth2(Tenants.ADMIN_TOKEN).contentType(ContentType.JSON)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .post(keysPath(tenant) + "/" + keyId(tenant) + "/rotate")
                .then().statusCode(201).extract().path("key");
        assertEquals(404, status(newKey));
        assertEquals(404, status(tenant.apiKey()), "old key still valid in the overlap");
        Eventually.within(Duration.ofSeconds(10), "the old key expires after the overlap (2 s in tests)",
                () -> status(tenant.apiKey()) == 401);
        assertEquals(404, status(newKey));
    }
}
