package dev.switchboard.statemachine;

/**
 * Where a machine is: its state, the last non-transient state it entered, and how many times in a
 * row that state has been entered (transient states passed through in between do not break the row).
 */
public record Position<S>(S state, S lastStable, int entriesInARow) {
    public static <S> Position<S> at(S state) {
        return new Position<>(state, state, 1);
    }
}
