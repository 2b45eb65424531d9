package dev.switchboard.storage;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Statements of different modules sent to PostgreSQL together and run one after the other in the
 * caller's transaction: one round trip for all of them (pgjdbc sends the statements of one prepared
 * statement with a single sync). A statement that fails ends the run; the ones after it do not run,
 * and the transaction can only roll back. Each statement's result is read, in order, once all have
 * run; what a module does with it afterwards (fire an event) it registers with {@link #afterRun}.
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
                step.result().value = step.reader().read(rs, -1);
            }
        } else {
            step.result().value = step.reader().read(null, ps.getUpdateCount());
        }
        step.result().read = true;
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
