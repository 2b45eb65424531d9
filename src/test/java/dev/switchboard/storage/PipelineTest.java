package dev.switchboard.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * Statements of one pipeline run in the order they were added, in the caller's transaction, each
 * with its own arguments and result; the first failure ends the run and nothing after it happens.
 */
@QuarkusTest
class PipelineTest {
    @Inject
    AgroalDataSource dataSource;

    @Test
    void statementsRunInOrderWithTheirOwnArgumentsAndResults() {
        List<Object> values = QuarkusTransaction.requiringNew().call(() -> {
            execute("CREATE TEMP TABLE pipeline_probe (n bigint, s text) ON COMMIT DROP");
            Pipeline pipeline = new Pipeline();
            Supplier<Integer> inserted = pipeline.add("INSERT INTO pipeline_probe VALUES (?, ?), (?, ?)",
                    a -> a.number(1).string("one").number(2).string("two"), (rows, count) -> count);
            Supplier<Integer> updated = pipeline.add("UPDATE pipeline_probe SET s = ? WHERE n = ?",
                    a -> a.string("deux").number(2), (rows, count) -> count);
            Supplier<Long> read = pipeline.add("SELECT count(*) FROM pipeline_probe WHERE n >= ? AND s IN ('one', 'deux')",
                    a -> a.number(1), (rows, count) -> rows.next() ? rows.getLong(1) : null);
            List<String> order = new ArrayList<>();
            pipeline.afterRun(() -> order.add("after:" + read.get()));
            assertThrows(IllegalStateException.class, read::get, "no value before the run");
            pipeline.run(dataSource);
            return List.of(inserted.get(), updated.get(), read.get(), order);
        });
        assertEquals(List.of(2, 1, 2L, List.of("after:2")), values);
    }

    @Test
    void aFailingStatementEndsTheRunAndTheRestNeverHappens() {
        AtomicBoolean after = new AtomicBoolean();
        List<Long> left = new ArrayList<>();
        IllegalStateException failed = assertThrows(IllegalStateException.class,
                () -> QuarkusTransaction.requiringNew().run(() -> {
                    execute("CREATE TEMP TABLE pipeline_failing (n bigint PRIMARY KEY)");
                    Pipeline pipeline = new Pipeline();
                    pipeline.add("INSERT INTO pipeline_failing VALUES (?)", a -> a.number(1), (rows, count) -> count);
                    pipeline.add("INSERT INTO pipeline_failing VALUES (?)", a -> a.number(1), (rows, count) -> count);
                    pipeline.add("INSERT INTO pipeline_failing VALUES (?)", a -> a.number(3), (rows, count) -> count);
                    pipeline.afterRun(() -> after.set(true));
                    pipeline.run(dataSource);
                }));
        assertTrue(failed.getCause() instanceof SQLException, "the driver's error is the cause");
        assertFalse(after.get(), "nothing runs after a failed pipeline");
        QuarkusTransaction.requiringNew().run(() -> left.add(count("SELECT count(*) FROM pg_class "
                + "WHERE relname = 'pipeline_failing' AND relpersistence = 't'")));
        assertEquals(List.of(0L), left, "the transaction rolled back: not even the table stays");
    }

    @Test
    void aReaderThatRejectsItsResultThrowsItsOwnException() {
        RuntimeException lost = new RuntimeException("lease lost");
        AtomicBoolean after = new AtomicBoolean();
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> QuarkusTransaction.requiringNew().run(() -> {
            Pipeline pipeline = new Pipeline();
            pipeline.add("SELECT 1 WHERE false", a -> { }, (rows, count) -> {
                if (!rows.next()) {
                    throw lost;
                }
                return null;
            });
            pipeline.add("SELECT ?::int", a -> a.number(2), (rows, count) -> null);
            pipeline.afterRun(() -> after.set(true));
            pipeline.run(dataSource);
        }));
        assertSame(lost, thrown);
        assertFalse(after.get());
    }

    @Test
    void arraysCarryAnyTextAsItIs() {
        List<String> texts = Arrays.asList("plain", "quote \" and backslash \\ and {braces}, commas", "", null,
                "new\nline\ttab", "NULL", "émoji 🙂 and NULL", "{\"json\": [1, \"two\"], \"esc\": \"a\\\"b\"}");
        List<String> back = QuarkusTransaction.requiringNew().call(() -> {
            execute("CREATE TEMP TABLE pipeline_texts (i bigint, t text) ON COMMIT DROP");
            Pipeline pipeline = new Pipeline();
            pipeline.add("INSERT INTO pipeline_texts SELECT i, t FROM unnest(?::text[]) WITH ORDINALITY AS u(t, i)",
                    a -> a.array("text", texts), (rows, count) -> count);
            pipeline.add("INSERT INTO pipeline_texts SELECT 100, (j::jsonb) ->> 'esc' FROM unnest(?::text[]) AS u(j)",
                    a -> a.array("text", List.of(texts.get(7))), (rows, count) -> count);
            pipeline.run(dataSource);
            return texts("SELECT t FROM pipeline_texts ORDER BY i");
        });
        List<String> expected = new ArrayList<>(texts);
        expected.add("a\"b");
        assertEquals(expected, back);
    }

    @Test
    void aStatementWhoseRowsHaveAColumnOfVariableWidthIsRefused() {
        assumeTrue(Pipeline.class.desiredAssertionStatus(), "checked with assertions on, as tests run");
        RuntimeException failed = assertThrows(RuntimeException.class, () -> QuarkusTransaction.requiringNew().run(() -> {
            Pipeline pipeline = new Pipeline();
            pipeline.add("SELECT 1::bigint, now(), gen_random_uuid(), true", a -> { }, (rows, count) -> null);
            pipeline.add("SELECT 'a text'::text", a -> { }, (rows, count) -> null);
            pipeline.run(dataSource);
        }));
        Throwable refused = failed.getCause(); // the transaction wraps what ended it
        assertTrue(refused instanceof AssertionError, String.valueOf(refused));
        assertTrue(refused.getMessage().contains("SELECT 'a text'::text"), refused.getMessage());
    }

    @Test
    void aStepIsOneStatementAndARunPipelineTakesNoMore() {
        Pipeline pipeline = new Pipeline();
        assertThrows(IllegalArgumentException.class, () -> pipeline.add("SELECT 1; SELECT 2", a -> { },
                (rows, count) -> null));
        QuarkusTransaction.requiringNew().run(() -> pipeline.run(dataSource));
        assertThrows(IllegalStateException.class, () -> pipeline.add("SELECT 1", a -> { }, (rows, count) -> null));
        assertThrows(IllegalStateException.class, () -> pipeline.run(dataSource));
    }

    @Test
    void aPipelineThatCommitsHasCommittedWhenItReturns() {
        String tag = UUID.randomUUID().toString();
        QuarkusTransaction.requiringNew().run(() -> execute(COMMITS_TABLE));
        List<Object> seen = QuarkusTransaction.requiringNew().call(() -> {
            Pipeline pipeline = new Pipeline();
            pipeline.add("INSERT INTO pipeline_commits VALUES (?)", a -> a.string(tag), (rows, count) -> count);
            pipeline.runAndCommit(dataSource);
            // still inside the transaction the manager has yet to commit: another one already sees the row
            long elsewhere = QuarkusTransaction.requiringNew().call(() -> rowsTagged(tag));
            return List.of(elsewhere, transactionState());
        });
        assertEquals(List.of(1L, TransactionState.IDLE), seen, "committed in the pipeline's round trip");
        assertEquals(1L, QuarkusTransaction.requiringNew().call(() -> rowsTagged(tag)), "and the manager's commit is harmless");
    }

    @Test
    void aPipelineThatFailsBeforeItsCommitCommitsNothing() {
        String tag = UUID.randomUUID().toString();
        QuarkusTransaction.requiringNew().run(() -> execute(COMMITS_TABLE));
        assertThrows(IllegalStateException.class, () -> QuarkusTransaction.requiringNew().run(() -> {
            Pipeline pipeline = new Pipeline();
            pipeline.add("INSERT INTO pipeline_commits VALUES (?)", a -> a.string(tag), (rows, count) -> count);
            pipeline.add("SELECT 1 / (? - 1)", a -> a.number(1), (rows, count) -> null);
            pipeline.runAndCommit(dataSource);
        }));
        assertEquals(0L, QuarkusTransaction.requiringNew().call(() -> rowsTagged(tag)));
    }

    @Test
    void aPipelineThatCommitsIsRefusedOutsideATransaction() {
        String tag = UUID.randomUUID().toString();
        QuarkusTransaction.requiringNew().run(() -> execute(COMMITS_TABLE));
        Pipeline pipeline = new Pipeline();
        pipeline.add("INSERT INTO pipeline_commits VALUES (?)", a -> a.string(tag), (rows, count) -> count);
        assertThrows(IllegalStateException.class, () -> pipeline.runAndCommit(dataSource));
        assertEquals(0L, QuarkusTransaction.requiringNew().call(() -> rowsTagged(tag)), "nothing was sent");
    }

    private static final String COMMITS_TABLE = "CREATE TABLE IF NOT EXISTS pipeline_commits (tag text)";

    private long rowsTagged(String tag) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pipeline_commits WHERE tag = ?")) {
            ps.setString(1, tag);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private TransactionState transactionState() {
        try (Connection c = dataSource.getConnection()) {
            return c.unwrap(BaseConnection.class).getTransactionState();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void execute(String sql) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> texts(String sql) {
        List<String> all = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                all.add(rs.getString(1));
            }
            return all;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long count(String sql) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
