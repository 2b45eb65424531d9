package dev.switchboard.processing;

import dev.switchboard.agent.Agent;
import dev.switchboard.agent.AgentInput;
import dev.switchboard.agent.AgentReply;
import dev.switchboard.agent.ConversationAgent;
import dev.switchboard.statemachine.TransitionRejected;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

/**
 * The built-in agent, except that it throws on messages containing "#fail" (the outside world
 * failing) or "#reject" (a transition the machine refuses).
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class FaultInjectingAgent implements Agent {
    private final ConversationAgent rules;

    FaultInjectingAgent(ConversationAgent rules) {
        this.rules = rules;
    }

    @Override
    public AgentReply respond(AgentInput input) {
        if (input.text().contains("#fail")) {
            throw new IllegalStateException("injected agent failure");
        }
        if (input.text().contains("#reject")) {
            throw new TransitionRejected(input.state(), "CONFIRMED", "no transition for it");
        }
        return rules.respond(input);
    }
}
