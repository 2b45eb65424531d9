package dev.switchboard.broker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.conversations.ConversationFact;
import dev.switchboard.conversations.ConversationFacts;
import dev.switchboard.conversations.ConversationStatus;
import dev.switchboard.conversations.CurrentConversations;
import dev.switchboard.customers.CustomerChanged;
import dev.switchboard.outbox.MessageStatus;
import dev.switchboard.outbox.MessageStatusChanged;
import dev.switchboard.tenants.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Records domain events in the transaction of the fact they tell (the outbox pattern), so what is
 * published is exactly what committed; {@link DomainEventPublisher} sends them afterwards. Payloads
 * carry ids, statuses and times, never a message's content (consumers read that through the API,
 * where erasure reaches it).
 */
@ApplicationScoped
class DomainEvents {
    private final BrokerConfig config;
    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final CurrentConversations conversations;
    private final Event<Recorded> recorded;

    /** Fired in the recording transaction; the publisher wakes when it commits. */
    record Recorded() {
    }

    private record Row(TenantId tenant, UUID stream, DomainEventType type, ObjectNode payload, Instant at) {
    }

    DomainEvents(BrokerConfig config, DataSource dataSource, ObjectMapper mapper, CurrentConversations conversations,
            Event<Recorded> recorded) {
        this.config = config;
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.conversations = conversations;
        this.recorded = recorded;
    }

    void onConversationFacts(@Observes ConversationFacts facts) {
        if (!config.enabled()) {
            return;
        }
        List<Row> rows = new ArrayList<>(facts.facts().size());
        for (ConversationFact fact : facts.facts()) {
            ObjectNode payload = mapper.createObjectNode().put("conversationId", fact.conversationId().toString())
                    .put("sessionId", fact.sessionId());
            DomainEventType type = null; // an agent's reply: its message's statuses are the events
            if (fact instanceof ConversationFact.Started started) {
                payload.put("channel", started.channel());
                type = DomainEventType.CONVERSATION_CREATED;
            } else if (fact instanceof ConversationFact.CustomerWrote wrote) {
                payload.put("seq", wrote.seq());
                type = DomainEventType.MESSAGE_RECEIVED;
            } else if (fact instanceof ConversationFact.Moved moved) {
                payload.put("status", moved.to().wire());
                payload.put("assigneeId", moved.assignee() == null ? null : moved.assignee().toString());
                type = moved(moved.to());
            }
            if (type != null) {
                rows.add(new Row(fact.tenant(), fact.conversationId(), type, payload, fact.at()));
            }
        }
        insert(rows);
    }

    private static DomainEventType moved(ConversationStatus to) {
        return switch (to) {
            case PENDING -> DomainEventType.CONVERSATION_HANDED_OFF;
            case OPEN -> DomainEventType.CONVERSATION_ASSIGNED;
            case BOT -> DomainEventType.CONVERSATION_RELEASED;
            case RESOLVED -> DomainEventType.CONVERSATION_RESOLVED;
        };
    }

    void onMessageStatus(@Observes MessageStatusChanged status) {
        if (!config.enabled()) {
            return;
        }
        DomainEventType type = switch (status.status()) {
            case SENT -> DomainEventType.MESSAGE_SENT;
            case DELIVERED -> DomainEventType.MESSAGE_DELIVERED;
            case READ -> DomainEventType.MESSAGE_READ;
            case FAILED -> DomainEventType.MESSAGE_FAILED;
            case PENDING -> null;
        };
        if (type == null) {
            return;
        }
        conversations.latestId(status.sessionId()).ifPresent(conversation -> {
            ObjectNode payload = mapper.createObjectNode().put("conversationId", conversation.toString())
                    .put("sessionId", status.sessionId()).put("effectSeq", status.effectSeq());
            if (status.status() == MessageStatus.FAILED) {
                payload.put("code", status.code()).put("reason", status.reason());
            }
            insert(List.of(new Row(status.tenant(), conversation, type, payload, status.at())));
        });
    }

    void onCustomer(@Observes CustomerChanged changed) {
        if (!config.enabled()) {
            return;
        }
        insert(List.of(new Row(changed.tenant(), changed.customerId(), changed.erased()
                ? DomainEventType.CUSTOMER_ERASED : DomainEventType.CUSTOMER_UPDATED,
                mapper.createObjectNode().put("customerId", changed.customerId().toString()), changed.at())));
    }

    private void insert(List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO domain_events (tenant_id, stream_key, type, payload, occurred_at) VALUES (?, ?, ?, ?::jsonb, ?)")) {
            for (Row row : rows) {
                ps.setObject(1, row.tenant().value());
                ps.setObject(2, row.stream());
                ps.setString(3, row.type().routingKey());
                ps.setString(4, row.payload().toString());
                ps.setTimestamp(5, Timestamp.from(row.at()));
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("could not record " + rows.size() + " domain events", e);
        }
        recorded.fire(new Recorded());
    }
}
