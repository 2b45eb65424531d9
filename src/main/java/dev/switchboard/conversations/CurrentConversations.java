package dev.switchboard.conversations;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.Optional;
import java.util.UUID;

/** The conversations module's answer to other modules: which conversation a session's messages belong to now. */
@ApplicationScoped
public class CurrentConversations {
    private final ConversationStore store;

    CurrentConversations(ConversationStore store) {
        this.store = store;
    }

    /** The id of the session's newest conversation, resolved or not, in the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<UUID> latestId(long sessionId) {
        return store.latestOf(sessionId);
    }

    /** The session's newest conversation, resolved or not. */
    @Transactional
    public Optional<Conversation> latest(long sessionId) {
        return store.latestOf(sessionId).flatMap(store::find).map(ConversationStore.Found::conversation);
    }
}
