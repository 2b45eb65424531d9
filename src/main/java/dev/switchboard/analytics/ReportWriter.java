package dev.switchboard.analytics;

import dev.switchboard.conversations.ConversationFact;
import dev.switchboard.conversations.ConversationFacts;
import dev.switchboard.conversations.ConversationStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Writes the facts of conversations into their reporting rows in the transaction that recorded them
 * (processing's group commit, a desk action, an expiry): one read and at most three batched writes
 * per transaction, none for a customer message the bot answers in a conversation already started.
 */
@ApplicationScoped
class ReportWriter {
    private final ReportStore store;

    ReportWriter(ReportStore store) {
        this.store = store;
    }

    void onFacts(@Observes ConversationFacts facts) {
        Map<UUID, ConversationReport> reports = new LinkedHashMap<>();
        Set<UUID> started = new HashSet<>();
        Set<UUID> needed = new HashSet<>();
        for (ConversationFact fact : facts.facts()) {
            if (fact instanceof ConversationFact.Started s) {
                started.add(s.conversationId());
            } else if (!started.contains(fact.conversationId()) && !botAnswers(fact)) {
                needed.add(fact.conversationId());
            }
        }
        reports.putAll(store.load(needed));
        Set<ConversationReport> changed = new LinkedHashSet<>();
        List<ConversationReport.Reply> replies = new ArrayList<>();
        List<ConversationReport.Assignment> assignments = new ArrayList<>();
        for (ConversationFact fact : facts.facts()) {
            if (fact instanceof ConversationFact.Started s) {
                ConversationReport report = reports.computeIfAbsent(s.conversationId(),
                        id -> ConversationReport.started(s));
                changed.add(report);
                continue;
            }
            ConversationReport report = reports.get(fact.conversationId());
            if (report == null) {
                continue; // a bot turn (changes nothing), or a conversation begun before analytics (the rebuild measures it)
            }
            report.apply(fact, replies, assignments);
            changed.add(report);
        }
        store.write(changed, replies, assignments);
    }

    /** A customer message in a conversation the bot has: no number of the conversation's own moves. */
    private static boolean botAnswers(ConversationFact fact) {
        return fact instanceof ConversationFact.CustomerWrote wrote && wrote.status() == ConversationStatus.BOT;
    }
}
