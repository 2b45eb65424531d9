package dev.switchboard.statemachine;

/** An event that the current state does not accept (no transition, or every guard said no). */
public class TransitionRejected extends RuntimeException {
    private final transient Object state;
    private final transient Object event;

    public TransitionRejected(Object state, Object event, String why) {
        super("event " + event + " rejected in state " + state + ": " + why);
        this.state = state;
        this.event = event;
    }

    public Object state() {
        return state;
    }

    public Object event() {
        return event;
    }
}
