package dev.switchboard.support;

import static io.restassured.RestAssured.given;

import java.time.Duration;

/** Waits until the service under test listens on Redis (its readiness says so). */
public final class RedisSubscribed {
    private RedisSubscribed() {
    }

    public static void await(Duration timeout, String what) {
        Eventually.within(timeout, what, () -> given().get("/q/health/ready").then().extract()
                .jsonPath().getBoolean("checks.find { it.name == 'redis' }.data.subscribed"));
    }
}
