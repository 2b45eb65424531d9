package dev.switchboard.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.support.Eventually;
import dev.switchboard.support.RedisSubscribed;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.pubsub.PubSubCommands;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node alone sends no announcements (every web reply had one, and Redis handed each back to the
 * node that sent it), but it finds a node that starts listening within a second, at once when that
 * node says hello, and publishes what must not be missed (invalidations) whoever listens.
 */
@QuarkusTest
class RedisAnnouncementsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String CHANNEL = "switchboard:announcements-test";

    @Inject
    RedisChannels channels;
    @Inject
    RedisDataSource redis;

    /** Every test starts with this node subscribed and sure that it is alone. */
    @BeforeEach
    void alone() {
        RedisSubscribed.await(WAIT, "subscribed to Redis");
        becomeAlone();
    }

    @Test
    void aNodeAloneAnnouncesNothingUntilAProbeFindsAListener() {
        List<String> heard = new CopyOnWriteArrayList<>();
        PubSubCommands.RedisSubscriber other = listenLikeANode(heard);
        try {
            channels.announce(CHANNEL, "while alone");
            // one announcement a second goes out; its answer counts the new listener
            Eventually.within(WAIT, "a probe found the listener", () -> {
                channels.announce(CHANNEL, "probe");
                sleep(50);
                return channels.othersListening();
            });
            for (int i = 0; i < 5; i++) {
                channels.announce(CHANNEL, "heard " + i);
            }
            Eventually.within(WAIT, "every announcement once another listens", () -> heard.stream()
                    .filter(m -> m.contains("|heard ")).count() == 5);
            assertFalse(heard.stream().anyMatch(m -> m.endsWith("|while alone")), "not announced while alone");
        } finally {
            other.unsubscribe();
        }
    }

    @Test
    void whatMustNotBeMissedIsPublishedWhoeverListens() {
        List<String> heard = new CopyOnWriteArrayList<>();
        PubSubCommands.RedisSubscriber other = listenLikeANode(heard);
        try {
            channels.publish(CHANNEL, "an invalidation");
            Eventually.within(WAIT, "published while this node thought it was alone", () -> heard.stream()
                    .anyMatch(m -> m.endsWith("|an invalidation")));
        } finally {
            other.unsubscribe();
        }
    }

    @Test
    void aNodeThatSaysHelloIsAnnouncedToAtOnce() {
        redis.pubsub(String.class).publish(RedisChannels.NODES, "node-b|hello");
        Eventually.within(WAIT, "node B's hello heard", channels::othersListening);
        assertTrue(channels.othersListening());
    }

    /** Subscribes as a node does, to every channel: Redis counts a channel's listeners per channel. */
    private PubSubCommands.RedisSubscriber listenLikeANode(List<String> heard) {
        return redis.pubsub(String.class).subscribeToPattern("switchboard:*", message -> heard.add(message));
    }

    /**
     * Announces until the answer says no other node listens (the test JVM runs one node), then waits
     * out the probe interval and sends one probe: for the next second, this node announces nothing.
     */
    private void becomeAlone() {
        Eventually.within(WAIT, "no other node listens", () -> {
            channels.announce(CHANNEL, "anyone?");
            sleep(50);
            return !channels.othersListening();
        });
        sleep(1_100);
        channels.announce(CHANNEL, "probe");
        sleep(50);
        assertFalse(channels.othersListening(), "still alone");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
