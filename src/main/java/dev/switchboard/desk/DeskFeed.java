package dev.switchboard.desk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.storage.Pipeline;
import dev.switchboard.tenants.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Writes the desk feed's changes in the caller's transaction (the one that made the change), so a
 * change is in the feed exactly when it committed. {@link FeedSequencer} numbers them afterwards.
 */
@ApplicationScoped
public class DeskFeed {
    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final Event<FeedWritten> written;

    DeskFeed(DataSource dataSource, ObjectMapper mapper, Event<FeedWritten> written) {
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.written = written;
    }

    /** Signals the sequencer once the writing transaction committed. */
    record FeedWritten() {
    }

    /** The frames of one change of a session, in the order the desk must see them. */
    public record Change(TenantId tenant, long sessionId, List<ObjectNode> frames) {
    }

    /** The frames of one change, in the order the desk must see them; none: nothing is written. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void append(TenantId tenant, long sessionId, List<ObjectNode> frames) {
        appendAll(List.of(new Change(tenant, sessionId, frames)));
    }

    /** {@link #append} for several changes in one round trip. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void appendAll(List<Change> changes) {
        Pipeline pipeline = new Pipeline();
        appendIn(pipeline, changes);
        pipeline.run(dataSource);
    }

    /** {@link #appendAll} as one statement of a pipeline (none when no change has a frame). */
    public void appendIn(Pipeline pipeline, List<Change> changes) {
        List<Object> tenants = new ArrayList<>();
        List<Long> sessionIds = new ArrayList<>();
        List<String> frames = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        try {
            for (Change change : changes) {
                if (change.frames().isEmpty()) {
                    continue;
                }
                ArrayNode array = mapper.createArrayNode();
                change.frames().forEach(array::add);
                tenants.add(change.tenant().value());
                sessionIds.add(change.sessionId());
                frames.add(mapper.writeValueAsString(array));
                counts.add(change.frames().size());
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write " + changes.size() + " desk changes", e);
        }
        if (frames.isEmpty()) {
            return;
        }
        pipeline.add("""
                INSERT INTO desk_changes (tenant_id, session_id, frames, frame_count)
                SELECT t, s, f::jsonb, n
                  FROM unnest(?::uuid[], ?::bigint[], ?::text[], ?::integer[]) AS c(t, s, f, n)""",
                arguments -> arguments.array("uuid", tenants).array("bigint", sessionIds).array("text", frames)
                        .array("integer", counts),
                (rows, count) -> count);
        pipeline.afterRun(() -> written.fire(new FeedWritten()));
    }

    /** Erasure: the feed's copies of the session's texts go with the rest of its content. */
    @Transactional(Transactional.TxType.MANDATORY)
    public int erase(long sessionId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE desk_changes SET frames = (SELECT jsonb_agg(CASE WHEN jsonb_exists(f, 'text') "
                        + "THEN (f - 'text') || '{\"erased\": true}'::jsonb ELSE f END ORDER BY n) "
                        + "FROM jsonb_array_elements(frames) WITH ORDINALITY AS e(f, n)) WHERE session_id = ?")) {
            ps.setLong(1, sessionId);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not erase desk changes of session " + sessionId, e);
        }
    }
}
