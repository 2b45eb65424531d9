package dev.switchboard.conversations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.events.EventTypes;
import dev.switchboard.events.InboundFields;
import dev.switchboard.outbox.MessageStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The messages of a session read from the log and the outbox together: inbound {@code user_message}
 * events, and the {@code assistant_message} events that said something, each joined to its effect for
 * the delivery status. Ordered and paged by the event seq, the same for web and WhatsApp.
 */
@ApplicationScoped
public class MessageLog {
    private final DataSource dataSource;
    private final ObjectMapper mapper;

    MessageLog(DataSource dataSource, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.mapper = mapper;
    }

    @Transactional
    public List<MessageItem> page(long sessionId, long afterSeq, int limit) {
        return page(sessionId, afterSeq, Long.MAX_VALUE, false, false, limit);
    }

    /**
     * The messages of one episode (seqs before {@code beforeSeq}), with the desk's internal notes and
     * the bot's state changes (direction {@code state}) when asked.
     */
    @Transactional
    public List<MessageItem> page(long sessionId, long afterSeq, long beforeSeq, boolean notes, boolean states,
            int limit) {
        String sql = """
                SELECT e.seq, e.type, e.payload::text, e.created_at, f.message_status, f.external_id, f.sent_at,
                       f.delivered_at, f.read_at, f.failed_at, f.failure_code, f.failure_reason
                  FROM events e
                  LEFT JOIN effects f ON f.session_id = e.session_id
                                     AND f.seq = (e.payload ->> 'effectSeq')::bigint
                 WHERE e.session_id = ? AND e.seq > ? AND e.seq < ?
                   AND (e.type = ? OR (e.type = ? AND jsonb_exists(e.payload, 'effectSeq')) OR e.type = ? OR e.type = ?)
                 ORDER BY e.seq LIMIT ?""";
        // jsonb_exists is the ? operator, which JDBC would take for a parameter
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, sessionId);
            ps.setLong(2, afterSeq);
            ps.setLong(3, beforeSeq);
            ps.setString(4, EventTypes.USER_MESSAGE);
            ps.setString(5, EventTypes.ASSISTANT_MESSAGE);
            ps.setString(6, notes ? EventTypes.AGENT_NOTE : EventTypes.USER_MESSAGE);
            ps.setString(7, states ? EventTypes.STATE_TRANSITION : EventTypes.USER_MESSAGE);
            ps.setInt(8, limit);
            List<MessageItem> items = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.add(read(rs));
                }
            }
            return items;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the messages of session " + sessionId, e);
        }
    }

    private MessageItem read(ResultSet rs) throws SQLException {
        JsonNode payload = json(rs.getString(3));
        Instant created = rs.getTimestamp(4).toInstant();
        String text = payload.path(InboundFields.TEXT).asText(null);
        if (EventTypes.USER_MESSAGE.equals(rs.getString(2))) {
            JsonNode media = payload.has("media") ? payload.get("media")
                    : payload.has("location") ? payload.get("location") : null;
            return new MessageItem(rs.getLong(1), "in", MessageItem.Author.CUSTOMER,
                    payload.path(InboundFields.KIND).asText("text"), text, media, null,
                    payload.path(InboundFields.EXTERNAL_ID).asText(null), created, null, null, null, null, null);
        }
        if (EventTypes.STATE_TRANSITION.equals(rs.getString(2))) {
            // names of states and events only, never content
            String change = payload.path("from").asText() + " → " + payload.path("to").asText() + " ("
                    + payload.path("event").asText() + ")";
            return new MessageItem(rs.getLong(1), "state", MessageItem.Author.BOT, "state", change, null, null, null,
                    created, null, null, null, null, null);
        }
        if (EventTypes.AGENT_NOTE.equals(rs.getString(2))) {
            return new MessageItem(rs.getLong(1), "note", new MessageItem.Author("agent",
                    payload.path("agentId").asText(null), payload.path("agentName").asText(null)), "text", text, null,
                    null, null, created, null, null, null, null, null);
        }
        JsonNode author = payload.path("author");
        MessageItem.Author by = author.isObject() ? new MessageItem.Author(author.path("kind").asText(),
                author.path("id").asText(null), author.path("name").asText(null)) : MessageItem.Author.BOT;
        String code = rs.getString(11);
        return new MessageItem(rs.getLong(1), "out", by, "text", text, null,
                MessageStatus.fromWire(rs.getString(5)).orElse(null), rs.getString(6), created,
                instant(rs.getTimestamp(7)), instant(rs.getTimestamp(8)), instant(rs.getTimestamp(9)),
                instant(rs.getTimestamp(10)), code == null ? null : new MessageItem.Failure(code, rs.getString(12)));
    }

    private JsonNode json(String text) {
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored event payload is not JSON", e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
