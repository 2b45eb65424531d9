package dev.switchboard.storage;

import java.util.Arrays;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * A value stored under a fixed name (a status), which queries write into their text as a literal
 * rather than bind: a partial index matches only a condition it can read in the statement.
 */
public interface SqlLiteral {
    /** The name stored in the database: lower-case letters and underscores, never a quote. */
    String wire();

    /** This value as a SQL string literal. */
    default String literal() {
        return "'" + wire() + "'";
    }

    /** A SQL list of the values' literals, for {@code IN}. */
    static String list(SqlLiteral... values) {
        return list(Arrays.asList(values));
    }

    /** A SQL list of the values' literals, for {@code IN}. */
    static String list(Collection<? extends SqlLiteral> values) {
        return "(" + values.stream().map(SqlLiteral::literal).collect(Collectors.joining(", ")) + ")";
    }
}
