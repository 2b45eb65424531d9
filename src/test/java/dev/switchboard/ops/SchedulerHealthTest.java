package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.switchboard.support.Eventually;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Liveness follows the scheduler that runs every sweep: one that stops running jobs is a node to restart. */
@QuarkusTest
class SchedulerHealthTest {
    private static final String SCHEDULER = "checks.find { it.name == 'scheduler' }";

    @Inject
    Scheduler scheduler;

    @Test
    void aSchedulerThatRunsNoJobsMakesTheNodeNotLiveUntilItRunsAgain() {
        given().get("/q/health/live").then().body(SCHEDULER + ".status", equalTo("UP"));
        scheduler.pause();
        try {
            // the limit is 2 s in the test profile
            Eventually.within(Duration.ofSeconds(10), "the stopped scheduler is reported",
                    () -> given().get("/q/health/live").statusCode() == 503);
            given().get("/q/health/live").then().body(SCHEDULER + ".status", equalTo("DOWN"));
        } finally {
            scheduler.resume();
        }
        Eventually.within(Duration.ofSeconds(10), "live again once jobs run",
                () -> given().get("/q/health/live").statusCode() == 200);
    }
}
