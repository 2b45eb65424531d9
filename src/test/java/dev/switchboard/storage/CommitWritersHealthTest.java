package dev.switchboard.storage;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.switchboard.support.Eventually;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Liveness follows the group-commit writers: a dead one, or one hung in a batch, is a node to restart. */
@QuarkusTest
class CommitWritersHealthTest {
    private static final String WRITERS = "checks.find { it.name == 'commit-writers' }";

    @Inject
    CommitWriters writers;

    @Inject
    MeterRegistry registry;

    @Test
    void aWriterWhoseThreadDiedMakesTheNodeNotLive() {
        GroupCommitter<String, String> probe = writers.register(new GroupCommitter<String, String>("probe-dead",
                batch -> batch, one -> one, Comparator.<String>naturalOrder(), registry));
        try {
            given().get("/q/health/live").then().statusCode(200).body(WRITERS + ".data.'probe-dead'", equalTo("ok"))
                    .body(WRITERS + ".data.'event-appender'", equalTo("ok"))
                    .body(WRITERS + ".data.'processing-committer'", equalTo("ok"));
            probe.halt();
            Eventually.within(Duration.ofSeconds(5), "the writer thread ended", () -> !probe.alive());
            given().get("/q/health/live").then().statusCode(503).body(WRITERS + ".status", equalTo("DOWN"))
                    .body(WRITERS + ".data.'probe-dead'", equalTo("dead"));
        } finally {
            writers.unregister(probe);
        }
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void aBatchHungLongerThanTheLimitMakesTheNodeNotLiveUntilItFinishes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        GroupCommitter<String, String> probe = writers.register(new GroupCommitter<String, String>("probe-hung",
                batch -> batch, one -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return one;
                }, Comparator.<String>naturalOrder(), registry));
        Thread caller = new Thread(() -> probe.submit("waits"));
        try {
            caller.start();
            // the limit is 2 s in the test profile
            Eventually.within(Duration.ofSeconds(10), "the hung batch is reported",
                    () -> given().get("/q/health/live").statusCode() == 503);
            given().get("/q/health/live").then().body(WRITERS + ".data.'probe-hung'", startsWith("stuck for"));
            release.countDown();
            caller.join(5_000);
            Eventually.within(Duration.ofSeconds(5), "live again once the batch finished",
                    () -> given().get("/q/health/live").statusCode() == 200);
        } finally {
            release.countDown();
            writers.unregister(probe);
        }
        given().get("/q/health/live").then().statusCode(200)
                .body(WRITERS + ".data.keySet()", equalTo(new java.util.LinkedHashSet<>(List.of("event-appender",
                        "processing-committer"))));
    }
}
