package dev.switchboard.conversations;

import java.util.List;

/**
 * The facts one transaction recorded about conversations, in the order they were applied; observed
 * synchronously (in that transaction) by analytics.
 */
public record ConversationFacts(List<ConversationFact> facts) {
}
