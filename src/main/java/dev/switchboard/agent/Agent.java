package dev.switchboard.agent;

/**
 * Decides how a session answers one inbound message. Implementations must be side-effect free:
 * everything they want done is returned and committed by the processor in one transaction.
 */
public interface Agent {
    AgentReply respond(AgentInput input);
}
