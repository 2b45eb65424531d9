package dev.switchboard.statemachine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateMachineTest {
    enum S { IDLE, ACTIVE, ASKING, CONFIRMING, FALLBACK, THINKING, HANDOFF, DONE }

    enum E { START, ASK, CONFIRM, UNKNOWN, THINK, ANSWER, BYE, HUMAN }

    /** A context that records what the actions did. */
    static final class Ctx {
        final List<String> log = new ArrayList<>();
        boolean allowed = true;
    }

    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    private StateMachine.Builder<S, E, Ctx> base() {
        return StateMachine.<S, E, Ctx>builder(S.IDLE)
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .parent(S.ASKING, S.ACTIVE)
                .parent(S.CONFIRMING, S.ACTIVE)
                .parent(S.FALLBACK, S.ACTIVE)
                .parent(S.THINKING, S.ACTIVE)
                .transition(S.IDLE, E.START, S.ASKING)
                .transition(S.ASKING, E.CONFIRM, S.CONFIRMING, c -> c.allowed, "ready to confirm")
                .transition(S.ACTIVE, E.BYE, S.DONE)
                .transition(S.ACTIVE, E.HUMAN, S.HANDOFF)
                .transition(S.ACTIVE, E.UNKNOWN, S.FALLBACK)
                .transition(S.ACTIVE, E.THINK, S.THINKING)
                .transition(S.THINKING, E.ANSWER, S.ASKING)
                .transientState(S.THINKING);
    }

    @Test
    void aGuardDecidesWhetherATransitionIsTaken() {
        StateMachine.Run<S, E, Ctx> run = base().build().start();
        Ctx ctx = new Ctx();
        run.fire(E.START, ctx, null);
        ctx.allowed = false;
        assertFalse(run.accepts(E.CONFIRM, ctx));
        TransitionRejected rejected = assertThrows(TransitionRejected.class, () -> run.fire(E.CONFIRM, ctx, null));
        assertTrue(rejected.getMessage().contains("guard"), rejected.getMessage());
        assertEquals(S.ASKING, run.state());
        ctx.allowed = true;
        assertEquals(S.CONFIRMING, run.fire(E.CONFIRM, ctx, null).to());
    }

    @Test
    void anUndeclaredEventIsRejectedWithAClearErrorAndChangesNothing() {
        StateMachine.Run<S, E, Ctx> run = base().build().start();
        TransitionRejected rejected = assertThrows(TransitionRejected.class, () -> run.fire(E.CONFIRM, new Ctx(), null));
        assertEquals("event CONFIRM rejected in state IDLE: no transition for it", rejected.getMessage());
        assertEquals(S.IDLE, run.state());
        assertTrue(run.history().isEmpty());
    }

    @Test
    void exitActionsRunBeforeTheTransitionActionAndEntryActionsAfterItOuterFirst() {
        StateMachine<S, E, Ctx> machine = base()
                .onExit(S.IDLE, c -> c.log.add("exit idle"))
                .onEntry(S.ACTIVE, c -> c.log.add("enter active"))
                .onEntry(S.CONFIRMING, c -> c.log.add("enter confirming"))
                .onExit(S.ASKING, c -> c.log.add("exit asking"))
                .onExit(S.ACTIVE, c -> c.log.add("exit active"))
                .onEntry(S.DONE, c -> c.log.add("enter done"))
                .transition(S.IDLE, E.ASK, S.CONFIRMING, c -> true, c -> c.log.add("action"), "jump")
                .build();
        Ctx ctx = new Ctx();
        StateMachine.Run<S, E, Ctx> run = machine.start();
        run.fire(E.ASK, ctx, null);
        assertEquals(List.of("exit idle", "action", "enter active", "enter confirming"), ctx.log);
        ctx.log.clear();
        run.fire(E.BYE, ctx, null);
        assertEquals(List.of("exit active", "enter done"), ctx.log, "leaving a child of ACTIVE leaves ACTIVE");
    }

    @Test
    void aTransitionDeclaredOnAParentAppliesToEveryChild() {
        StateMachine<S, E, Ctx> machine = base().build();
        for (S child : List.of(S.ASKING, S.CONFIRMING, S.FALLBACK)) {
            StateMachine.Run<S, E, Ctx> run = machine.resume(Position.at(child));
            assertEquals(S.HANDOFF, run.fire(E.HUMAN, new Ctx(), "asked for a person").to());
            assertTrue(machine.isIn(child, S.ACTIVE));
        }
        assertThrows(TransitionRejected.class, () -> machine.resume(Position.at(S.DONE)).fire(E.HUMAN, new Ctx(), null));
    }

    @Test
    void theHistoryRecordsEveryTransitionWithItsEventReasonAndTime() {
        StateMachine.Run<S, E, Ctx> run = base().build().start();
        run.fire(E.START, new Ctx(), "first message");
        run.fire(E.CONFIRM, new Ctx(), null);
        assertEquals(2, run.history().size());
        TransitionRecord<S, E> first = run.history().get(0);
        assertEquals(S.IDLE, first.from());
        assertEquals(S.ASKING, first.to());
        assertEquals(E.START, first.event());
        assertEquals("first message", first.reason());
        assertEquals(NOW, first.at());
        assertEquals("ready to confirm", run.history().get(1).reason(), "the declared description is the default");
    }

    @Test
    void enteringTheFallbackMoreThanThreeTimesInARowEscalatesToHandoff() {
        StateMachine<S, E, Ctx> machine = base().limitEntries(S.FALLBACK, 3, S.HANDOFF).build();
        StateMachine.Run<S, E, Ctx> run = machine.resume(Position.at(S.ASKING));
        Ctx ctx = new Ctx();
        for (int i = 1; i <= 3; i++) {
            run.fire(E.THINK, ctx, null);
            TransitionRecord<S, E> t = run.fire(E.UNKNOWN, ctx, null);
            assertEquals(S.FALLBACK, t.to(), "fallback " + i);
            assertEquals(i, run.position().entriesInARow(), "the transient state does not break the row");
        }
        run.fire(E.THINK, ctx, null);
        TransitionRecord<S, E> fourth = run.fire(E.UNKNOWN, ctx, null);
        assertEquals(S.HANDOFF, fourth.to());
        assertTrue(fourth.escalated());
        assertTrue(fourth.reason().contains("limit of 3"), fourth.reason());
    }

    @Test
    void aSuccessfulAnswerBreaksTheRowOfFallbacks() {
        StateMachine<S, E, Ctx> machine = base().limitEntries(S.FALLBACK, 3, S.HANDOFF).build();
        StateMachine.Run<S, E, Ctx> run = machine.resume(Position.at(S.ASKING));
        Ctx ctx = new Ctx();
        run.fire(E.UNKNOWN, ctx, null);
        run.fire(E.UNKNOWN, ctx, null);
        run.fire(E.THINK, ctx, null);
        run.fire(E.ANSWER, ctx, null);
        for (int i = 0; i < 3; i++) {
            assertEquals(S.FALLBACK, run.fire(E.UNKNOWN, ctx, null).to());
        }
    }

    @Test
    void anActionThatThrowsLeavesThePositionAndHistoryUnchanged() {
        StateMachine<S, E, Ctx> machine = base()
                .onEntry(S.DONE, c -> {
                    throw new IllegalStateException("boom");
                }).build();
        StateMachine.Run<S, E, Ctx> run = machine.resume(Position.at(S.ASKING));
        assertThrows(IllegalStateException.class, () -> run.fire(E.BYE, new Ctx(), null));
        assertEquals(S.ASKING, run.state());
        assertTrue(run.history().isEmpty());
    }

    @Test
    void aHierarchyCycleIsRefused() {
        StateMachine.Builder<S, E, Ctx> builder = StateMachine.<S, E, Ctx>builder(S.IDLE).parent(S.ASKING, S.ACTIVE);
        assertThrows(IllegalArgumentException.class, () -> builder.parent(S.ACTIVE, S.ASKING));
    }
}
