package dev.switchboard.outbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.events.EventStore;
import dev.switchboard.events.EventTypes;
import dev.switchboard.events.NewEvent;
import dev.switchboard.sessions.SessionStore;
import dev.switchboard.tenants.TenantId;
import io.quarkus.narayana.jta.QuarkusTransaction;
import dev.switchboard.storage.Jdbc;
import dev.switchboard.storage.SqlLiteral;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import dev.switchboard.sessions.SessionAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The delivery lifecycle of outbound messages ({@link MessageStatus}): the channel's confirmation of
 * a send, its later receipts (delivered, read, failed), refusals. Each change that applies is a
 * content-free {@code message_status} event in the session's log. A receipt for an id that no
 * message carries yet (it overtook the send's own response) is kept and applied when the id is
 * recorded: both paths lock the session's row first, so one of them always sees the other.
 */
@ApplicationScoped
public class MessageStatuses {
    private final DataSource dataSource;
    private final EffectStore store;
    private final SessionStore sessions;
    private final EventStore events;
    private final ObjectMapper mapper;
    private final Event<MessageStatusChanged> changed;

    MessageStatuses(DataSource dataSource, EffectStore store, SessionStore sessions, EventStore events,
            ObjectMapper mapper, Event<MessageStatusChanged> changed) {
        this.changed = changed;
        this.dataSource = dataSource;
        this.store = store;
        this.sessions = sessions;
        this.events = events;
        this.mapper = mapper;
    }

    /** What a receipt says: a status at a time, and for {@code failed} the channel's code and reason. */
    public record Receipt(MessageStatus status, Instant at, String code, String reason) {
        public static Receipt of(MessageStatus status, Instant at) {
            return new Receipt(status, at, null, null);
        }
    }

    private record Current(long id, TenantId tenant, long sessionId, long seq, MessageStatus status) {
    }

    /**
     * The channel accepted the effect and named it {@code externalId}: in one transaction the effect
     * becomes sent, the message {@code sent}, and receipts that arrived early are applied.
     */
    public void confirmSent(Effect effect, String externalId) {
        QuarkusTransaction.requiringNew().run(() -> {
            sessions.lock(effect.sessionId());
            update("UPDATE effects SET status = ?, sent_at = now(), attempts = attempts + 1, "
                    + "next_attempt_at = NULL, last_error = NULL, external_id = ? WHERE id = ?",
                    EffectStatus.SENT.wire(), externalId, effect.id());
            if (!Effect.MESSAGE.equals(effect.type())) {
                return;
            }
            apply(current("id = ?", effect.id()), Receipt.of(MessageStatus.SENT, Instant.now()), externalId);
            for (Receipt early : takeEarly(effect.address().tenant(), externalId)) {
                apply(current("id = ?", effect.id()), early, externalId);
            }
        });
    }

    /**
     * A receipt from the channel for the message it knows as {@code externalId}, in the caller's
     * transaction, which must hold the lock of the message's session ({@link SessionStore#lock}).
     * True when it changed the status; false when it was old news or is kept for later.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean receive(TenantId tenant, String externalId, Receipt receipt) {
        Current current = current("external_id = ?", externalId);
        if (current == null) {
            update("INSERT INTO early_receipts (tenant_id, external_id, status, occurred_at, failure_code, failure_reason) "
                    + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", tenant.value(), externalId,
                    receipt.status().wire(), Timestamp.from(receipt.at()), receipt.code(), receipt.reason());
            return false;
        }
        return apply(current, receipt, externalId);
    }

    /** The channel refused the effect for good: it is dead or undeliverable, and the message failed. */
    void refuse(Effect effect, DeliveryRefused refusal) {
        QuarkusTransaction.requiringNew().run(() -> {
            sessions.lock(effect.sessionId());
            EffectStatus status = refusal.deadLetter() ? EffectStatus.DEAD : EffectStatus.UNDELIVERABLE;
            String error = EffectStore.truncated(refusal.code() + ": " + refusal.getMessage());
            update("UPDATE effects SET " + EffectStore.APPEND_FAILURE + ", status = ?, attempts = attempts + 1, "
                    + "next_attempt_at = NULL, last_error = ? WHERE id = ?", error, status.wire(), error, effect.id());
            failMessage(effect, refusal.code(), refusal.getMessage());
        });
    }

    /** The message will not arrive (e.g. its attempts ran out): failed with a content-free code and reason. */
    void fail(Effect effect, String code, String reason) {
        QuarkusTransaction.requiringNew().run(() -> {
            sessions.lock(effect.sessionId());
            failMessage(effect, code, reason);
        });
    }

    private void failMessage(Effect effect, String code, String reason) {
        if (Effect.MESSAGE.equals(effect.type())) {
            apply(current("id = ?", effect.id()), new Receipt(MessageStatus.FAILED, Instant.now(), code, reason), null);
        }
    }

    /** Web: the client acknowledged every effect up to {@code seq}, so it has read those messages. */
    @Transactional
    public void readUpTo(SessionAddress address, long sessionId, long seq) {
        update("UPDATE effects SET message_status = " + MessageStatus.READ.literal() + ", read_at = now(), "
                + "delivered_at = COALESCE(delivered_at, now()) WHERE session_id = ? AND seq <= ? "
                + "AND message_status IN " + SqlLiteral.list(MessageStatus.PENDING, MessageStatus.SENT,
                MessageStatus.DELIVERED), sessionId, seq);
    }

    /** Applies a receipt if it moves the message forward, and records the change in the session's log. */
    private boolean apply(Current current, Receipt receipt, String externalId) {
        if (current == null || current.status() == null || !advances(current.status(), receipt.status())) {
            return false;
        }
        Timestamp at = Timestamp.from(receipt.at());
        MessageStatus next = receipt.status();
        update("""
                UPDATE effects SET message_status = ?,
                       delivered_at = CASE WHEN ? THEN COALESCE(delivered_at, ?) ELSE delivered_at END,
                       read_at = CASE WHEN ? THEN COALESCE(read_at, ?) ELSE read_at END,
                       failed_at = CASE WHEN ? THEN ?::timestamptz ELSE failed_at END,
                       failure_code = CASE WHEN ? THEN ? ELSE failure_code END,
                       failure_reason = CASE WHEN ? THEN ? ELSE failure_reason END
                 WHERE id = ?""", next.wire(),
                next == MessageStatus.DELIVERED || next == MessageStatus.READ, at,
                next == MessageStatus.READ, at,
                next == MessageStatus.FAILED, at,
                next == MessageStatus.FAILED, receipt.code(),
                next == MessageStatus.FAILED, receipt.reason(),
                current.id());
        ObjectNode payload = mapper.createObjectNode().put("effectSeq", current.seq()).put("status", next.wire())
                .put("at", receipt.at().toString());
        if (externalId != null) {
            payload.put("externalId", externalId);
        }
        if (next == MessageStatus.FAILED) {
            payload.put("code", receipt.code()).put("reason", receipt.reason());
        }
        events.appendRecord(current.tenant(), current.sessionId(), new NewEvent(EventTypes.MESSAGE_STATUS, payload),
                null);
        changed.fire(new MessageStatusChanged(current.tenant(), current.sessionId(), current.seq(), next,
                receipt.at(), receipt.code(), receipt.reason()));
        return true;
    }

    /** Forward only: failed ends everything but a read message; otherwise a later stage moves it on. */
    static boolean advances(MessageStatus from, MessageStatus to) {
        if (from == MessageStatus.FAILED) {
            return false;
        }
        if (to == MessageStatus.FAILED) {
            return from != MessageStatus.READ;
        }
        return to.ordinal() > from.ordinal();
    }

    private Current current(String condition, Object key) {
        String sql = "SELECT id, tenant_id, session_id, seq, message_status FROM effects WHERE " + condition
                + " FOR UPDATE";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Current(rs.getLong(1), new TenantId((UUID) rs.getObject(2)), rs.getLong(3), rs.getLong(4),
                        MessageStatus.fromWire(rs.getString(5)).orElse(null));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read a message's status", e);
        }
    }

    private List<Receipt> takeEarly(TenantId tenant, String externalId) {
        // the delivery lane runs on the system path: the tenant is named, not left to row-level security
        String sql = "DELETE FROM early_receipts WHERE external_id = ? AND tenant_id = ? "
                + "RETURNING status, occurred_at, failure_code, failure_reason";
        List<Receipt> receipts = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, externalId);
            ps.setObject(2, tenant.value());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    receipts.add(new Receipt(MessageStatus.fromWire(rs.getString(1)).orElseThrow(),
                            rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read early receipts", e);
        }
        // applied in lifecycle order, so a read that came before its delivered still counts once each
        receipts.sort((a, b) -> Integer.compare(a.status().ordinal(), b.status().ordinal()));
        return receipts;
    }

    private void update(String sql, Object... args) {
        Jdbc.update(dataSource, "record a message status", sql, args);
    }
}
