package dev.switchboard.statemachine;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A typed state machine definition: states {@code S}, events {@code E}, and a context {@code C}
 * that guards read and actions change. Transitions may be declared on a parent state and then apply
 * to all its children; a state may limit how often it is entered in a row and escalate past that.
 * The definition is immutable and shared; {@link #resume(Position)} gives a {@link Run} that fires
 * events and keeps the history of one conversation.
 */
public final class StateMachine<S, E, C> {
    private final S initial;
    private final Map<S, S> parents;
    private final Map<S, List<Transition<S, E, C>>> transitions;
    private final Map<S, Consumer<C>> entryActions;
    private final Map<S, Consumer<C>> exitActions;
    private final Map<S, Limit<S>> limits;
    private final Set<S> transientStates;
    private final Clock clock;

    private record Transition<S, E, C>(S from, E event, S to, Predicate<C> guard, Consumer<C> action,
            String description) {
    }

    private record Limit<S>(int maxInARow, S escalateTo) {
    }

    private StateMachine(Builder<S, E, C> b) {
        this.initial = b.initial;
        this.parents = Map.copyOf(b.parents);
        Map<S, List<Transition<S, E, C>>> byState = new HashMap<>();
        b.transitions.forEach(t -> byState.computeIfAbsent(t.from(), k -> new ArrayList<>()).add(t));
        byState.replaceAll((k, v) -> List.copyOf(v));
        this.transitions = Map.copyOf(byState);
        this.entryActions = Map.copyOf(b.entryActions);
        this.exitActions = Map.copyOf(b.exitActions);
        this.limits = Map.copyOf(b.limits);
        this.transientStates = Set.copyOf(b.transientStates);
        this.clock = b.clock;
    }

    public static <S, E, C> Builder<S, E, C> builder(S initial) {
        return new Builder<>(initial);
    }

    public S initial() {
        return initial;
    }

    /** A run of this machine from the given position. */
    public Run<S, E, C> resume(Position<S> position) {
        return new Run<>(this, position);
    }

    public Run<S, E, C> start() {
        return resume(Position.at(initial));
    }

    /** True if {@code state} is {@code ancestor} or one of its descendants. */
    public boolean isIn(S state, S ancestor) {
        for (S s = state; s != null; s = parents.get(s)) {
            if (s.equals(ancestor)) {
                return true;
            }
        }
        return false;
    }

    /** The conversation of one machine: its position and the transitions taken so far. */
    public static final class Run<S, E, C> {
        private final StateMachine<S, E, C> machine;
        private Position<S> position;
        private final List<TransitionRecord<S, E>> history = new ArrayList<>();

        private Run(StateMachine<S, E, C> machine, Position<S> position) {
            this.machine = machine;
            this.position = position;
        }

        public S state() {
            return position.state();
        }

        public Position<S> position() {
            return position;
        }

        public List<TransitionRecord<S, E>> history() {
            return Collections.unmodifiableList(history);
        }

        /**
         * Fires an event. If it is rejected, or an action throws, nothing changes: the position
         * and history stay as they were (actions must change only the context they are given,
         * which the caller discards on failure).
         *
         * @throws TransitionRejected when no transition of the state or its ancestors accepts it
         */
        public TransitionRecord<S, E> fire(E event, C context, String reason) {
            TransitionRecord<S, E> taken = machine.step(position, event, context, reason);
            position = machine.next(position, taken);
            history.add(taken);
            return taken;
        }

        /** True if the current state would accept {@code event} in this context. */
        public boolean accepts(E event, C context) {
            return machine.find(position.state(), event, context) instanceof Transition<?, ?, ?>;
        }
    }

    private Object find(S state, E event, C context) {
        boolean declared = false;
        for (S s = state; s != null; s = parents.get(s)) {
            for (Transition<S, E, C> t : transitions.getOrDefault(s, List.of())) {
                if (t.event().equals(event)) {
                    declared = true;
                    if (t.guard().test(context)) {
                        return t;
                    }
                }
            }
        }
        return declared ? "every guard refused it" : "no transition for it";
    }

    @SuppressWarnings("unchecked")
    private TransitionRecord<S, E> step(Position<S> from, E event, C context, String reason) {
        Object found = find(from.state(), event, context);
        if (!(found instanceof Transition<?, ?, ?>)) {
            throw new TransitionRejected(from.state(), event, (String) found);
        }
        Transition<S, E, C> t = (Transition<S, E, C>) found;
        S target = t.to();
        boolean escalated = false;
        Limit<S> limit = limits.get(target);
        if (limit != null && entriesInARow(from, target) > limit.maxInARow()) {
            target = limit.escalateTo();
            escalated = true;
        }
        S common = commonAncestor(from.state(), target);
        boolean selfTransition = from.state().equals(target);
        for (S s = from.state(); s != null && (selfTransition || !s.equals(common)); s = parents.get(s)) {
            run(exitActions.get(s), context);
            if (selfTransition) {
                break;
            }
        }
        run(t.action(), context);
        List<S> entering = new ArrayList<>();
        for (S s = target; s != null && (selfTransition || !s.equals(common)); s = parents.get(s)) {
            entering.add(0, s);
            if (selfTransition) {
                break;
            }
        }
        entering.forEach(s -> run(entryActions.get(s), context));
        String why = escalated ? "limit of " + limit.maxInARow() + " entries of " + t.to() + " in a row reached"
                : reason == null ? t.description() : reason;
        return new TransitionRecord<>(from.state(), target, event, why, clock.instant(), escalated);
    }

    private Position<S> next(Position<S> from, TransitionRecord<S, E> taken) {
        if (transientStates.contains(taken.to())) {
            return new Position<>(taken.to(), from.lastStable(), from.entriesInARow());
        }
        int row = taken.escalated() ? 1 : entriesInARow(from, taken.to());
        return new Position<>(taken.to(), taken.to(), row);
    }

    /** How many times in a row {@code target} will have been entered if entered now. */
    private int entriesInARow(Position<S> from, S target) {
        return from.lastStable().equals(target) ? from.entriesInARow() + 1 : 1;
    }

    private S commonAncestor(S a, S b) {
        Set<S> ancestors = new HashSet<>();
        for (S s = a; s != null; s = parents.get(s)) {
            ancestors.add(s);
        }
        for (S s = b; s != null; s = parents.get(s)) {
            if (ancestors.contains(s)) {
                return s;
            }
        }
        return null;
    }

    private void run(Consumer<C> action, C context) {
        if (action != null) {
            action.accept(context);
        }
    }

    /** Builds a {@link StateMachine}; every state referenced must be reachable from the declarations. */
    public static final class Builder<S, E, C> {
        private final S initial;
        private final Map<S, S> parents = new HashMap<>();
        private final List<Transition<S, E, C>> transitions = new ArrayList<>();
        private final Map<S, Consumer<C>> entryActions = new LinkedHashMap<>();
        private final Map<S, Consumer<C>> exitActions = new LinkedHashMap<>();
        private final Map<S, Limit<S>> limits = new HashMap<>();
        private final Set<S> transientStates = new HashSet<>();
        private Clock clock = Clock.systemUTC();

        private Builder(S initial) {
            this.initial = Objects.requireNonNull(initial);
        }

        /** Declares {@code child} inside {@code parent}: the parent's transitions apply to it. */
        public Builder<S, E, C> parent(S child, S parent) {
            for (S s = parent; s != null; s = parents.get(s)) {
                if (s.equals(child)) {
                    throw new IllegalArgumentException("state hierarchy cycle through " + child);
                }
            }
            parents.put(child, parent);
            return this;
        }

        public Builder<S, E, C> transition(S from, E event, S to) {
            return transition(from, event, to, c -> true, null, from + " --" + event + "--> " + to);
        }

        public Builder<S, E, C> transition(S from, E event, S to, Predicate<C> guard, String description) {
            return transition(from, event, to, guard, null, description);
        }

        public Builder<S, E, C> transition(S from, E event, S to, Predicate<C> guard, Consumer<C> action,
                String description) {
            transitions.add(new Transition<>(Objects.requireNonNull(from), Objects.requireNonNull(event),
                    Objects.requireNonNull(to), Objects.requireNonNull(guard), action, description));
            return this;
        }

        public Builder<S, E, C> onEntry(S state, Consumer<C> action) {
            entryActions.merge(state, action, Consumer::andThen);
            return this;
        }

        public Builder<S, E, C> onExit(S state, Consumer<C> action) {
            exitActions.merge(state, action, Consumer::andThen);
            return this;
        }

        /** Entering {@code state} more than {@code maxInARow} times in a row enters {@code escalateTo} instead. */
        public Builder<S, E, C> limitEntries(S state, int maxInARow, S escalateTo) {
            if (maxInARow < 1) {
                throw new IllegalArgumentException("the limit must be at least 1");
            }
            limits.put(state, new Limit<>(maxInARow, escalateTo));
            return this;
        }

        /** A state passed through on the way elsewhere: it does not break a row of entries. */
        public Builder<S, E, C> transientState(S state) {
            transientStates.add(state);
            return this;
        }

        public Builder<S, E, C> clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public StateMachine<S, E, C> build() {
            return new StateMachine<>(this);
        }
    }
}
