package dev.switchboard.conversations;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.agent.ConversationState;
import dev.switchboard.desk.DeskFeed;
import dev.switchboard.events.EventStore;
import dev.switchboard.events.EventTypes;
import dev.switchboard.events.NewEvent;
import dev.switchboard.outbox.MessageStatusChanged;
import dev.switchboard.processing.EventProcessed;
import dev.switchboard.processing.ProcessingCommitted;
import dev.switchboard.processing.ProcessingFollower;
import dev.switchboard.processing.SessionExpired;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.storage.LogClock;
import dev.switchboard.storage.Pipeline;
import dev.switchboard.tenants.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Keeps each session's conversation in step with what processing decided, inside the processing
 * transaction and its round trips (the session's row is locked by it): a message starts a
 * conversation when none is open; the bot's handoff makes it pending; an agent's reply opens it; a
 * release gives it back to the bot; a resolution, or the bot finishing its flow, resolves it. Each change is a
 * {@code conversation_changed} event in the session's log.
 */
@ApplicationScoped
public class ConversationTracker implements ProcessingFollower {
    private static final String HANDOFF = ConversationState.HANDOFF.wireName();
    private static final String COMPLETED = ConversationState.COMPLETED.wireName();

    private final ConversationStore store;
    private final EventStore events;
    private final DeskFeed feed;
    private final ObjectMapper mapper;
    private final Event<ConversationFacts> facts;
    private final LogClock clock;

    ConversationTracker(ConversationStore store, EventStore events, DeskFeed feed, ObjectMapper mapper,
            Event<ConversationFacts> facts, LogClock clock) {
        this.facts = facts;
        this.clock = clock;
        this.store = store;
        this.events = events;
        this.feed = feed;
        this.mapper = mapper;
    }

    @Override
    public Followup read(Map<Long, SessionAddress> addresses, Pipeline first) {
        Supplier<Map<Long, ConversationStore.Found>> current = store.touchIn(first, addresses);
        return (committed, second) -> follow(committed, current.get(), second);
    }

    private void follow(ProcessingCommitted committed, Map<Long, ConversationStore.Found> current, Pipeline second) {
        List<DeskFeed.Change> changes = new ArrayList<>(committed.processed().size());
        List<ConversationFact> tracked = new ArrayList<>();
        for (EventProcessed processed : committed.processed()) {
            List<ObjectNode> frames = new ArrayList<>(3);
            track(processed, current.get(processed.sessionId()), frames, tracked);
            changes.add(new DeskFeed.Change(processed.address().tenant(), processed.sessionId(), frames));
        }
        feed.appendIn(second, changes);
        if (!tracked.isEmpty()) {
            facts.fire(new ConversationFacts(tracked));
        }
    }

    /** Changes caused by processing an inbound event happen at that event's time: the customer asked then. */
    private void track(EventProcessed processed, ConversationStore.Found found, List<ObjectNode> frames,
            List<ConversationFact> tracked) {
        String type = processed.event().type();
        TenantId tenant = processed.address().tenant();
        Instant at = processed.event().createdAt();
        if (found == null) {
            if (!EventTypes.USER_MESSAGE.equals(type) && !EventTypes.AGENT_MESSAGE.equals(type)) {
                return; // a release or resolution with no conversation open: nothing to change
            }
            found = store.start(tenant, processed.sessionId(), processed.address().channel(), processed.event().seq());
            tracked.add(new ConversationFact.Started(tenant, processed.sessionId(), found.conversation().id(),
                    processed.address().channel(), at));
            record(processed.address(), processed.sessionId(), found.conversation(), null, ConversationStatus.BOT,
                    null, "message", at, frames);
        }
        Conversation conversation = found.conversation();
        ConversationStatus status = conversation.status();
        String meant = processed.event().payload().path("conversationId").asText(null);
        if (meant != null && !meant.equals(conversation.id().toString())) {
            // a desk action queued for an episode that ended before it was processed: it must not move the next one
            return;
        }
        if (EventTypes.USER_MESSAGE.equals(type)) {
            tracked.add(new ConversationFact.CustomerWrote(tenant, processed.sessionId(), conversation.id(),
                    processed.event().seq(), status, at));
            frames.add(message(conversation, processed.event().seq(), "in", mapper.createObjectNode().put("kind",
                    "customer"), processed.event().payload().path("text").asText("")));
        }
        if (processed.replyEffectSeq() != null) {
            ObjectNode author = EventTypes.AGENT_MESSAGE.equals(type) ? mapper.createObjectNode().put("kind", "agent")
                    .put("id", processed.event().payload().path("agentId").asText())
                    .put("name", processed.event().payload().path("agentName").asText())
                    : mapper.createObjectNode().put("kind", "bot");
            frames.add(message(conversation, processed.outcomeSeq(), "out", author, processed.replyText())
                    .put("effectSeq", processed.replyEffectSeq()));
        }
        switch (type) {
            case EventTypes.AGENT_MESSAGE -> {
                UUID agent = UUID.fromString(processed.event().payload().path("agentId").asText());
                UUID assignee = conversation.assigneeId() == null ? agent : conversation.assigneeId();
                tracked.add(new ConversationFact.AgentReplied(tenant, processed.sessionId(), conversation.id(), agent,
                        at));
                if (status != ConversationStatus.OPEN || !assignee.equals(conversation.assigneeId())) {
                    change(processed, frames, tracked, conversation, ConversationStatus.OPEN, assignee, "agent_reply");
                }
                store.firstHumanReply(conversation.id());
            }
            case EventTypes.HANDOFF_RELEASED -> {
                if (status == ConversationStatus.PENDING || status == ConversationStatus.OPEN) {
                    change(processed, frames, tracked, conversation, ConversationStatus.BOT, null, "released");
                }
            }
            case EventTypes.CONVERSATION_RESOLVED -> change(processed, frames, tracked, conversation,
                    ConversationStatus.RESOLVED, conversation.assigneeId(), "resolved");
            default -> {
                if (status == ConversationStatus.BOT && HANDOFF.equals(processed.stateAfter())) {
                    change(processed, frames, tracked, conversation, ConversationStatus.PENDING, null, "handoff");
                } else if (status == ConversationStatus.BOT && COMPLETED.equals(processed.stateAfter())
                        && !COMPLETED.equals(processed.stateBefore())) {
                    change(processed, frames, tracked, conversation, ConversationStatus.RESOLVED, null, "bot_completed");
                }
            }
        }
    }

    /** An idle session expired: the bot ends its conversation (one a person has open stays theirs). */
    void onExpired(@Observes SessionExpired expired) {
        store.touchCurrent(expired.sessionId(), expired.address()).ifPresent(found -> {
            Conversation conversation = found.conversation();
            if (conversation.status() == ConversationStatus.BOT || conversation.status() == ConversationStatus.PENDING) {
                List<ObjectNode> frames = new ArrayList<>(1);
                Instant at = clock.now();
                store.move(conversation.id(), ConversationStatus.RESOLVED, conversation.assigneeId());
                record(expired.address(), expired.sessionId(), conversation, conversation.status(),
                        ConversationStatus.RESOLVED, conversation.assigneeId(), "expired", at, frames);
                feed.append(expired.address().tenant(), expired.sessionId(), frames);
                facts.fire(new ConversationFacts(List.of(new ConversationFact.Moved(expired.address().tenant(),
                        expired.sessionId(), conversation.id(), ConversationStatus.RESOLVED, conversation.assigneeId(),
                        at))));
            }
        });
    }

    /** A delivery status moved (WhatsApp's receipts): the desk sees it on the message's conversation. */
    void onStatus(@Observes MessageStatusChanged status) {
        store.latestOf(status.sessionId()).ifPresent(conversationId -> {
            ObjectNode frame = mapper.createObjectNode().put("type", "status").put("conversationId",
                    conversationId.toString()).put("effectSeq", status.effectSeq()).put("status", status.status().wire())
                    .put("at", status.at().toString());
            if (status.code() != null) {
                frame.put("code", status.code()).put("reason", status.reason());
            }
            feed.append(status.tenant(), status.sessionId(), List.of(frame));
        });
    }

    private void change(EventProcessed processed, List<ObjectNode> frames, List<ConversationFact> tracked,
            Conversation conversation, ConversationStatus to, UUID assignee, String why) {
        store.move(conversation.id(), to, assignee);
        Instant at = processed.event().createdAt();
        record(processed.address(), processed.sessionId(), conversation, conversation.status(), to, assignee, why, at,
                frames);
        tracked.add(new ConversationFact.Moved(processed.address().tenant(), processed.sessionId(), conversation.id(),
                to, assignee, at));
    }

    /** A message of the conversation, as the desk feed shows it. */
    private ObjectNode message(Conversation conversation, long seq, String direction, ObjectNode author, String text) {
        ObjectNode frame = mapper.createObjectNode().put("type", "message")
                .put("conversationId", conversation.id().toString()).put("seq", seq).put("direction", direction);
        frame.set("author", author);
        return frame.put("text", text).put("at", java.time.Instant.now().toString());
    }

    /** A note of the desk, in the caller's transaction. */
    void noted(SessionAddress address, long sessionId, Conversation conversation, long seq, UUID agentId,
            String agentName, String text) {
        ObjectNode frame = mapper.createObjectNode().put("type", "message")
                .put("conversationId", conversation.id().toString()).put("seq", seq).put("direction", "note");
        frame.putObject("author").put("kind", "agent").put("id", agentId.toString()).put("name", agentName);
        frame.put("text", text).put("at", java.time.Instant.now().toString());
        feed.append(address.tenant(), sessionId, List.of(frame));
    }

    private ObjectNode announcement(Conversation conversation, ConversationStatus to, UUID assignee) {
        ObjectNode frame = mapper.createObjectNode().put("type", "conversation");
        ObjectNode c = frame.putObject("conversation").put("id", conversation.id().toString())
                .put("sessionKey", conversation.sessionKey()).put("channel", conversation.channel())
                .put("status", to.wire());
        c.put("assigneeId", assignee == null ? null : assignee.toString());
        c.put("customerId", conversation.customerId() == null ? null : conversation.customerId().toString());
        return frame;
    }

    /** A change the desk made (a claim, a transfer): the caller holds the session's lock. */
    void changedByDesk(SessionAddress address, long sessionId, Conversation conversation, ConversationStatus to,
            UUID assignee, UUID by, String why) {
        store.move(conversation.id(), to, assignee);
        Instant at = clock.now();
        ObjectNode payload = payload(conversation, conversation.status(), to, assignee, why, at);
        if (by != null) {
            payload.put("by", by.toString());
        }
        events.appendRecord(address.tenant(), sessionId, new NewEvent(EventTypes.CONVERSATION_CHANGED, payload), null);
        feed.append(address.tenant(), sessionId, List.of(announcement(conversation, to, assignee)));
        facts.fire(new ConversationFacts(List.of(new ConversationFact.Moved(address.tenant(), sessionId,
                conversation.id(), to, assignee, at))));
    }

    private void record(SessionAddress address, long sessionId, Conversation conversation, ConversationStatus from,
            ConversationStatus to, UUID assignee, String why, Instant at, List<ObjectNode> frames) {
        events.appendRecord(address.tenant(), sessionId, new NewEvent(EventTypes.CONVERSATION_CHANGED,
                payload(conversation, from, to, assignee, why, at)), null);
        frames.add(announcement(conversation, to, assignee));
    }

    private ObjectNode payload(Conversation conversation, ConversationStatus from, ConversationStatus to,
            UUID assignee, String why, Instant at) {
        ObjectNode payload = mapper.createObjectNode().put("conversationId", conversation.id().toString())
                .put("to", to.wire()).put("reason", why).put("at", at.toString());
        if (from != null) {
            payload.put("from", from.wire());
        }
        if (assignee != null) {
            payload.put("assigneeId", assignee.toString());
        }
        return payload;
    }
}
