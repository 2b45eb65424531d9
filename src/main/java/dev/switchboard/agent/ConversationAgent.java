package dev.switchboard.agent;

import dev.switchboard.agent.llm.LlmAnswerer;
import dev.switchboard.statemachine.Position;
import dev.switchboard.statemachine.StateMachine;
import dev.switchboard.statemachine.TransitionRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The built-in agent: the conversation machine driven by the rule-based classifier. It answers
 * greetings and help, runs the booking flow (collects service, date and time across messages,
 * asks for what is missing, confirms, completes), hands over to a human on request or after too
 * many misunderstandings in a row, and stays silent while a human owns the conversation. All it
 * remembers is in the session data it returns, so it survives restarts and concurrent messages.
 */
@ApplicationScoped
public class ConversationAgent implements Agent {
    static final String GREETING = "Hello! How can I help you today?";
    static final String HELP = "I can book an appointment (try \"book a haircut tomorrow at 10am\"), "
            + "answer simple questions, or connect you with a person.";
    static final String GOODBYE = "Goodbye! Write again any time.";
    static final String HANDOFF = "I'm passing you to a person; someone will answer here shortly.";
    static final String ESCALATED = "I'm having trouble understanding, so I'm passing you to a person who can help.";
    static final String NOT_UNDERSTOOD = "Sorry, I didn't understand that. You can book an appointment, "
            + "ask for help, or ask for a person.";
    static final String RELEASED = "You're back with the assistant. How can I help?";
    private static final List<String> BOOKING_SLOTS = List.of("service", "date", "time");

    private final AgentDefinitions definitions;
    private final LlmAnswerer llm;
    private final StateMachine<ConversationState, ConversationEvent, Turn> machine;

    private final String unreadableReply;

    ConversationAgent(AgentDefinitions definitions, LlmAnswerer llm,
            @ConfigProperty(name = "switchboard.agent.fallback-limit", defaultValue = "3") int fallbackLimit,
            @ConfigProperty(name = "switchboard.agent.unreadable-reply",
                    defaultValue = "Sorry, I can only read text and pictures here.") String unreadableReply) {
        this.definitions = definitions;
        this.unreadableReply = unreadableReply;
        this.llm = llm;
        this.machine = ConversationMachine.build(fallbackLimit);
    }

    @Override
    public AgentReply respond(AgentInput input) {
        IntentDefinition definition = definitions.forTenant(input.tenant());
        Turn turn = new Turn(input.data());
        turn.data.merge("turns", 1, (a, b) -> ((Number) a).intValue() + 1);
        StateMachine.Run<ConversationState, ConversationEvent, Turn> run = machine.resume(position(input, turn));
        if (input.isRelease()) {
            if (run.state() != ConversationState.HANDOFF) {
                return reply(null, run, turn, "release: not in handoff");
            }
            run.fire(ConversationEvent.RELEASED, turn, "released by an operator");
            return reply(RELEASED, run, turn, "released");
        }
        if (run.state() == ConversationState.HANDOFF) {
            return reply(null, run, turn, "handoff:silent");
        }
        if (input.isUnreadable()) {
            // not a misunderstanding: the person sent something this channel cannot show us
            return reply(unreadableReply, run, turn, "unreadable content");
        }
        if (run.accepts(ConversationEvent.START, turn)) {
            run.fire(ConversationEvent.START, turn, "new conversation");
        }
        run.fire(ConversationEvent.MESSAGE, turn, "message " + input.seq());
        Classification c = Classifier.classify(definition, input.text());
        turn.data.put("lastIntent", c.intent());
        String text = decide(input, run, turn, c, definition);
        return reply(text, run, turn, "intent:" + c.intent() + String.format(" (%.2f)", c.confidence()));
    }

    private String decide(AgentInput input, StateMachine.Run<ConversationState, ConversationEvent, Turn> run,
            Turn turn, Classification c, IntentDefinition definition) {
        boolean confirming = turn.flag(ConversationMachine.AWAITING_CONFIRMATION_FLAG);
        boolean booking = "booking".equals(turn.data.get("goal")) || c.is("book");
        if (booking) {
            turn.data.put("goal", "booking");
            c.slots().forEach((slot, value) -> {
                if (BOOKING_SLOTS.contains(slot)) {
                    turn.slots().put(slot, value);
                }
            });
        }
        if (c.is("human")) {
            run.fire(ConversationEvent.HANDOFF_REQUESTED, turn, "the customer asked for a person");
            return HANDOFF;
        }
        if (c.is("goodbye")) {
            run.fire(ConversationEvent.GOODBYE, turn, "the customer said goodbye");
            return GOODBYE;
        }
        if (confirming && c.is("yes")) {
            String booked = describe(turn.slots());
            turn.data.put("lastBooking", new HashMap<>(turn.slots()));
            run.fire(ConversationEvent.CONFIRMED, turn, "the customer confirmed");
            return "Booked: " + booked + ". See you then!";
        }
        if (confirming && c.is("no")) {
            turn.data.remove(ConversationMachine.AWAITING_CONFIRMATION_FLAG);
            run.fire(ConversationEvent.SLOTS_MISSING, turn, "the customer wants to change the booking");
            return "No problem. What would you like to change: the service, the date or the time?";
        }
        if (booking) {
            Optional<String> missing = BOOKING_SLOTS.stream().filter(s -> !turn.slots().containsKey(s)).findFirst();
            if (missing.isPresent()) {
                turn.data.remove(ConversationMachine.AWAITING_CONFIRMATION_FLAG);
                run.fire(ConversationEvent.SLOTS_MISSING, turn, "missing " + missing.get());
                return ask(missing.get(), definition);
            }
            turn.data.put(ConversationMachine.AWAITING_CONFIRMATION_FLAG, true);
            run.fire(ConversationEvent.SLOTS_COMPLETE, turn, "service, date and time collected");
            return "Shall I book " + describe(turn.slots()) + "? (yes/no)";
        }
        Optional<String> configured = definition.intents().stream().filter(i -> i.name().equals(c.intent()))
                .map(IntentDefinition.Intent::reply).filter(Objects::nonNull).findFirst();
        if (configured.isPresent()) {
            run.fire(ConversationEvent.ANSWERED, turn, "configured reply");
            return configured.get();
        }
        if (llm.enabled() && (c.is(Classification.UNKNOWN) || c.is("help"))) {
            LlmAnswerer.Answer answer = llm.answer(input);
            turn.calls.add(answer.call());
            if (answer.text() != null) {
                run.fire(ConversationEvent.ANSWERED, turn, "answered by " + answer.call().model());
                return answer.text();
            }
            // the model failed: the classifier answers, as if there were no model
        }
        switch (c.intent()) {
            case "greeting" -> {
                run.fire(ConversationEvent.ANSWERED, turn, "greeted");
                return GREETING;
            }
            case "help" -> {
                run.fire(ConversationEvent.ANSWERED, turn, "asked for help");
                return HELP;
            }
            case "yes", "no" -> {
                run.fire(ConversationEvent.ANSWERED, turn, "nothing to confirm");
                return "Got it. " + HELP;
            }
            default -> {
                TransitionRecord<ConversationState, ConversationEvent> t =
                        run.fire(ConversationEvent.NOT_UNDERSTOOD, turn, "no intent above the threshold");
                return t.escalated() ? ESCALATED : NOT_UNDERSTOOD;
            }
        }
    }

    private static String ask(String slot, IntentDefinition definition) {
        return switch (slot) {
            case "service" -> {
                IntentDefinition.Slot s = definition.slots().get("service");
                yield s == null || s.values().isEmpty() ? "Which service would you like?"
                        : "Which service would you like? We offer "
                                + s.values().stream().map(Phrase::text).collect(Collectors.joining(", ")) + ".";
            }
            case "date" -> "Which day would suit you?";
            default -> "What time would you like?";
        };
    }

    private static String describe(Map<String, Object> slots) {
        return "a " + slots.get("service") + " on " + slots.get("date") + " at " + slots.get("time");
    }

    private static Position<ConversationState> position(AgentInput input, Turn turn) {
        ConversationState state = ConversationState.fromWire(input.state());
        ConversationState lastStable = turn.data.get("lastStable") instanceof String s
                ? ConversationState.fromWire(s) : state;
        int row = turn.data.get("inARow") instanceof Number n ? n.intValue() : 1;
        return new Position<>(state, lastStable, row);
    }

    private static AgentReply reply(String text, StateMachine.Run<ConversationState, ConversationEvent, Turn> run,
            Turn turn, String reason) {
        turn.data.put("lastStable", run.position().lastStable().wireName());
        turn.data.put("inARow", run.position().entriesInARow());
        List<StateChange> changes = new ArrayList<>();
        for (TransitionRecord<ConversationState, ConversationEvent> t : run.history()) {
            changes.add(new StateChange(t.from().wireName(), t.to().wireName(), t.event().name().toLowerCase(),
                    t.reason(), t.at()));
        }
        return new AgentReply(text, run.state().wireName(), turn.data, reason, changes, turn.calls);
    }
}
