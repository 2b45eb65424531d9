package dev.switchboard.broker;

/** What other services can follow, by the routing key it is published with. */
public enum DomainEventType {
    CONVERSATION_CREATED("conversation.created"),
    CONVERSATION_HANDED_OFF("conversation.handed_off"),
    CONVERSATION_ASSIGNED("conversation.assigned"),
    CONVERSATION_RELEASED("conversation.released"),
    CONVERSATION_RESOLVED("conversation.resolved"),
    MESSAGE_RECEIVED("message.received"),
    MESSAGE_SENT("message.sent"),
    MESSAGE_DELIVERED("message.delivered"),
    MESSAGE_READ("message.read"),
    MESSAGE_FAILED("message.failed"),
    CUSTOMER_UPDATED("customer.updated"),
    CUSTOMER_ERASED("customer.erased");

    private final String routingKey;

    DomainEventType(String routingKey) {
        this.routingKey = routingKey;
    }

    public String routingKey() {
        return routingKey;
    }
}
