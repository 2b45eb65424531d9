package dev.switchboard.processing;

import dev.switchboard.agent.Agent;
import dev.switchboard.agent.AgentInput;
import dev.switchboard.agent.AgentReply;
import dev.switchboard.agent.ConversationAgent;
import dev.switchboard.statemachine.TransitionRejected;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The built-in agent, except that it throws on messages containing "#fail" (the outside world
 * failing) or "#reject" (a transition the machine refuses), and holds the first message containing
 * "#hold" after {@link #holdNext()} until the test lets it go (a node paused mid-processing).
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class FaultInjectingAgent implements Agent {
    private final ConversationAgent rules;

    FaultInjectingAgent(ConversationAgent rules) {
        this.rules = rules;
    }

    /** The hold of the next "#hold" message: entered once the agent waits, released by the test. */
    public record Hold(CountDownLatch entered, CountDownLatch release) {
    }

    private static volatile Hold hold;

    public static Hold holdNext() {
        Hold next = new Hold(new CountDownLatch(1), new CountDownLatch(1));
        hold = next;
        return next;
    }

    @Override
    public AgentReply respond(AgentInput input) {
        Hold current = hold;
        if (current != null && input.text().contains("#hold")) {
            hold = null;
            current.entered().countDown();
            try {
                current.release().await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (input.text().contains("#fail")) {
            throw new IllegalStateException("injected agent failure");
        }
        if (input.text().contains("#reject")) {
            throw new TransitionRejected(input.state(), "CONFIRMED", "no transition for it");
        }
        return rules.respond(input);
    }
}
