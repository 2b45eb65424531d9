package dev.switchboard.outbox;

import dev.switchboard.ops.Traces;
import dev.switchboard.sessions.SessionAddress;
import dev.switchboard.storage.Pipeline;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Instance;
import jakarta.transaction.Transactional;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;

/** The outbox's public API: record effects in the caller's transaction, read them back, confirm delivery. */
@ApplicationScoped
public class Outbox {
    private final EffectStore store;
    private final SentMarker sentMarker;
    private final MessageStatuses statuses;
    private final Event<EffectsCommitted> committed;
    private final Map<String, ChannelDelivery> channels = new HashMap<>();
    private final DataSource dataSource;

    Outbox(EffectStore store, SentMarker sentMarker, MessageStatuses statuses, Event<EffectsCommitted> committed,
            Instance<ChannelDelivery> deliveries, DataSource dataSource) {
        this.dataSource = dataSource;
        this.store = store;
        this.statuses = statuses;
        this.sentMarker = sentMarker;
        this.committed = committed;
        deliveries.forEach(d -> channels.put(d.channel(), d));
    }

    /**
     * Records effects at the seqs the caller reserved, in the caller's transaction; they are
     * delivered once it commits.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<Effect> record(SessionAddress address, long sessionId, long firstSeq, long replyTo,
            List<NewEffect> effects) {
        return recordAll(List.of(new SessionEffects(address, sessionId, firstSeq, replyTo, effects,
                Traces.currentParent()))).get(0);
    }

    /** {@link #record} for several sessions in one round trip; the stored effects of each, in order. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<List<Effect>> recordAll(List<SessionEffects> all) {
        Pipeline pipeline = new Pipeline();
        Supplier<List<List<Effect>>> stored = recordIn(pipeline, all);
        pipeline.run(dataSource);
        return stored.get();
    }

    /** {@link #recordAll} as one statement of a pipeline; each session's effects are announced once it ran. */
    public Supplier<List<List<Effect>>> recordIn(Pipeline pipeline, List<SessionEffects> all) {
        Supplier<List<List<Effect>>> stored = store.insertIn(pipeline, all, channel -> {
            ChannelDelivery delivery = channels.get(channel);
            return delivery == null || !delivery.clientResumes();
        });
        pipeline.afterRun(() -> {
            List<List<Effect>> effects = stored.get();
            for (int i = 0; i < all.size(); i++) {
                if (!effects.get(i).isEmpty()) {
                    committed.fire(new EffectsCommitted(all.get(i).sessionId(), effects.get(i)));
                }
            }
        });
        return stored;
    }

    /** Effects of a session with afterSeq &lt; seq &lt;= upToSeq, in seq order. */
    public List<Effect> page(long sessionId, long afterSeq, long upToSeq, int limit) {
        return store.page(sessionId, null, afterSeq, upToSeq, limit);
    }

    /** {@link #page} of the effects that go to {@code channel} only (a client's resume). */
    public List<Effect> page(long sessionId, String channel, long afterSeq, long upToSeq, int limit) {
        return store.page(sessionId, channel, afterSeq, upToSeq, limit);
    }

    /** The seq of each session's newest effect to {@code channel}: what a socket without announcements may lack. */
    public Map<Long, Long> latestSeqs(Collection<Long> sessionIds, String channel) {
        return store.latestSeqs(sessionIds, channel);
    }

    /** A channel handed this effect to its recipient outside the runner (e.g. a resume replay). */
    public void delivered(Effect effect) {
        if (effect.status() != EffectStatus.SENT) {
            sentMarker.markSent(effect.id());
        }
    }

    /** The session's client confirmed every effect up to {@code seq}: its messages have been read. */
    public void readUpTo(SessionAddress address, long sessionId, long seq) {
        statuses.readUpTo(address, sessionId, seq);
    }

    /** Replaces the content of every effect of the session (erasure); seqs and statuses stay. */
    @Transactional(Transactional.TxType.MANDATORY)
    public int erase(long sessionId) {
        return store.erasePayloads(sessionId);
    }

    ChannelDelivery channel(String name) {
        return channels.get(name);
    }
}
