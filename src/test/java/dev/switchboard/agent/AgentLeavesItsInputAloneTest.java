package dev.switchboard.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.tenants.TenantId;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The processor commits the session data it gave the agent when the agent fails; so the agent must
 * never change that data in place, nested slots included.
 */
@QuarkusTest
class AgentLeavesItsInputAloneTest {
    @Inject
    Agent agent;

    @Test
    void theBookingFlowChangesACopyOfTheNestedSlotsNeverTheSessionsData() {
        Map<String, Object> slots = new HashMap<>(Map.of("service", "massage"));
        Map<String, Object> data = new HashMap<>();
        data.put("goal", "booking");
        data.put("slots", slots);
        data.put("history", new java.util.ArrayList<>(List.of("x")));
        Map<String, Object> before = Map.of("goal", "booking", "slots", Map.of("service", "massage"),
                "history", List.of("x"));
        AgentInput input = new AgentInput(SessionAddress.web(new TenantId(UUID.randomUUID()), "copy"), 1,
                "collecting_slots", data, 7, "user_message", "a haircut tomorrow at 10am");

        AgentReply reply = agent.respond(input);

        assertEquals(before, data, "the input data is unchanged");
        assertEquals(Map.of("service", "massage"), slots, "the nested slots map is unchanged");
        assertNotEquals(slots, reply.data().get("slots"), "the reply carries the new slots");
    }
}
