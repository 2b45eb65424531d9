package dev.switchboard.storage;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Statements of different modules sent to PostgreSQL together and run one after the other in the
 * caller's transaction: one round trip for all of them (pgjdbc sends the statements of one prepared
 * statement with a single sync). A statement that fails ends the run; the ones after it do not run,
 * and the transaction can only roll back. Each statement's result is read, in order, once all have
 * run; what a module does with it afterwards (fire an event) it registers with {@link #afterRun}.
 *
 * <p>A statement's rows must have fixed-width columns only (numbers, booleans, uuids, timestamps):
 * pgjdbc cannot bound the answer of one with a text or jsonb column, so it syncs and waits before
 * sending it, and the pipeline becomes a round trip per such statement. Return ids and codes, and
 * build the rest from what the caller sent; tests run with assertions on, which check it.
 */
public final class Pipeline {
    /** Sets the statement's arguments, in the order of its placeholders. */
    @FunctionalInterface
    public interface Binder {
        void bind(Arguments arguments) throws SQLException;
    }

    /** Turns the statement's result into its value: its rows, or null and its update count. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(ResultSet rows, int updateCount) throws SQLException;
    }

    private record Step<T>(String sql, Binder binder, Reader<T> reader, Result<T> result) {
    }

    private static final class Result<T> implements Supplier<T> {
        private boolean read;
        private T value;

        @Override
        public T get() {
            if (!read) {
                throw new IllegalStateException("the pipeline has not run");
            }
            return value;
        }
    }

    private final List<Step<?>> steps = new ArrayList<>();
    private final List<Runnable> afterRun = new ArrayList<>();
    private boolean ran;

    /**
     * Adds one statement (no semicolon in it); its value once the pipeline has run. Arguments bound
     * by position only: a statement's number of placeholders must not depend on its arguments.
     */
    public <T> Supplier<T> add(String sql, Binder binder, Reader<T> reader) {
        if (ran) {
            throw new IllegalStateException("the pipeline has run");
        }
        if (sql.indexOf(';') >= 0) {
            throw new IllegalArgumentException("one statement per step");
        }
        Result<T> result = new Result<>();
        steps.add(new Step<>(sql, binder, reader, result));
        return result;
    }

    /** Runs once every statement's result has been read, in the order registered. */
    public void afterRun(Runnable action) {
        afterRun.add(action);
    }

    /** Sends every statement in one round trip on the transaction's connection and reads their results. */
    public void run(DataSource dataSource) {
        run(dataSource, false);
    }

    /**
     * Runs the pipeline as the last work of its transaction, with the transaction's COMMIT as its last
     * statement: the commit costs no round trip of its own. The transaction manager's commit that
     * follows finds the connection outside a transaction and sends nothing (pgjdbc sends no COMMIT
     * then); if a statement fails, the COMMIT does not run and the transaction rolls back as before.
     * Nothing may use the transaction's connection afterwards, or it would run in a transaction of
     * its own (ADR 0025). What {@link #afterRun} registered runs once committed; events it fires for
     * after the transaction are still delivered by the transaction manager.
     */
    public void runAndCommit(DataSource dataSource) {
        add("COMMIT", arguments -> {
        }, (rows, count) -> null);
        run(dataSource, true);
    }

    private void run(DataSource dataSource, boolean commits) {
        if (ran) {
            throw new IllegalStateException("the pipeline has run");
        }
        ran = true;
        if (!steps.isEmpty()) {
            StringBuilder sql = new StringBuilder();
            for (Step<?> step : steps) {
                sql.append(sql.isEmpty() ? "" : ";\n").append(step.sql());
            }
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
                if (commits && c.getAutoCommit()) {
                    throw new IllegalStateException("a pipeline that commits runs inside a transaction");
                }
                Arguments arguments = new Arguments(c, ps);
                for (Step<?> step : steps) {
                    step.binder().bind(arguments);
                }
                boolean rows = ps.execute();
                for (Step<?> step : steps) {
                    read(step, ps, rows);
                    rows = ps.getMoreResults();
                }
            } catch (SQLException e) {
                throw new IllegalStateException("could not run " + steps.size() + " statements", e);
            }
        }
        afterRun.forEach(Runnable::run);
    }

    private static <T> void read(Step<T> step, PreparedStatement ps, boolean rows) throws SQLException {
        if (rows) {
            try (ResultSet rs = ps.getResultSet()) {
                assert fixedWidth(rs.getMetaData()) : "a pipelined statement returns a column of variable width, "
                        + "which costs a round trip of its own: " + step.sql();
                step.result().value = step.reader().read(rs, -1);
            }
        } else {
            step.result().value = step.reader().read(null, ps.getUpdateCount());
        }
        step.result().read = true;
    }

    /**
     * PostgreSQL's types whose values have one size, so that pgjdbc can bound an answer made of them
     * (pgjdbc names an integer column with a sequence default serial).
     */
    private static final Set<String> FIXED_WIDTH = Set.of("int2", "int4", "int8", "smallserial", "serial",
            "bigserial", "bool", "float4", "float8", "uuid", "timestamp", "timestamptz", "date", "oid");

    private static boolean fixedWidth(ResultSetMetaData columns) throws SQLException {
        for (int i = 1; i <= columns.getColumnCount(); i++) {
            if (!FIXED_WIDTH.contains(columns.getColumnTypeName(i))) {
                return false;
            }
        }
        return true;
    }

    /** The arguments of the pipeline's statements, set one after the other. */
    public static final class Arguments {
        private final Connection connection;
        private final PreparedStatement statement;
        private int next = 1;

        private Arguments(Connection connection, PreparedStatement statement) {
            this.connection = connection;
            this.statement = statement;
        }

        public Arguments string(String value) throws SQLException {
            statement.setString(next++, value);
            return this;
        }

        public Arguments number(long value) throws SQLException {
            statement.setLong(next++, value);
            return this;
        }

        public Arguments timestamp(Timestamp value) throws SQLException {
            statement.setTimestamp(next++, value);
            return this;
        }

        /** A PostgreSQL array of {@code elementType} ("bigint", "text", "uuid", "boolean"). */
        public Arguments array(String elementType, List<?> values) throws SQLException {
            Array array = connection.createArrayOf(elementType, values.toArray());
            statement.setArray(next++, array);
            return this;
        }
    }
}
