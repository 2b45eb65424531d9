package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Db;
import dev.switchboard.support.Tenants;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

@QuarkusTest
class CorrelationIdTest {
    @Inject
    DataSource dataSource;

    private RequestSpecification send(Tenants.Credentials tenant) {
        return given().contentType(ContentType.JSON).auth().oauth2(tenant.apiKey())
                .header("Idempotency-Key", UUID.randomUUID().toString()).body("{\"text\":\"hello\"}");
    }

    @Test
    void aGivenCorrelationIdIsEchoedAndAttachedToTheEvent() {
        Tenants.Credentials tenant = Tenants.create("corr-" + UUID.randomUUID());
        send(tenant).header("X-Correlation-Id", "req-42").post("/api/v1/sessions/c1/messages")
                .then().statusCode(202).header("X-Correlation-Id", "req-42");
        assertEquals("req-42", new Db(dataSource).text("SELECT correlation_id FROM events WHERE tenant_id = ?::uuid "
                + "AND type = 'user_message'", tenant.tenantId()));
    }

    @Test
    void aTraceparentGivesItsTraceIdAndOtherwiseOneIsGenerated() {
        Tenants.Credentials tenant = Tenants.create("corr-" + UUID.randomUUID());
        send(tenant).header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .post("/api/v1/sessions/c2/messages").then().statusCode(202)
                .header("X-Correlation-Id", "4bf92f3577b34da6a3ce929d0e0e4736");
        String generated = send(tenant).header("X-Correlation-Id", "bad id with spaces")
                .post("/api/v1/sessions/c3/messages").then().statusCode(202).extract().header("X-Correlation-Id");
        assertTrue(generated.matches("[0-9a-f-]{36}"), generated);
    }
}
