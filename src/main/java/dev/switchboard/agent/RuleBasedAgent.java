package dev.switchboard.agent;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The built-in agent: answers greetings, help and goodbyes from keyword rules and echoes anything
 * else. Instant and deterministic, it is what the tests and the benchmark run against.
 */
@ApplicationScoped
public class RuleBasedAgent implements Agent {
    private static final Pattern GREETING = Pattern.compile("\\b(hello|hi|hey|good (morning|afternoon|evening))\\b");
    private static final Pattern HELP = Pattern.compile("\\b(help|what can you do)\\b");
    private static final Pattern GOODBYE = Pattern.compile("\\b(bye|goodbye|thanks,? bye)\\b");
    private static final int ECHO_LIMIT = 200;

    @Override
    public AgentReply respond(AgentInput input) {
        String text = input.text().toLowerCase(Locale.ROOT);
        Map<String, Object> data = new HashMap<>(input.data());
        int turns = data.get("turns") instanceof Number n ? n.intValue() : 0;
        data.put("turns", turns + 1);
        if (GOODBYE.matcher(text).find()) {
            return new AgentReply("Goodbye! Write again any time.", "completed", data, "intent:goodbye");
        }
        if (HELP.matcher(text).find()) {
            return new AgentReply("I can answer simple questions and keep our conversation in order. "
                    + "Say hello, ask for help, or say bye.", "awaiting_input", data, "intent:help");
        }
        if (GREETING.matcher(text).find()) {
            return new AgentReply("Hello! How can I help you today?", "awaiting_input", data, "intent:greeting");
        }
        String echoed = input.text().length() > ECHO_LIMIT ? input.text().substring(0, ECHO_LIMIT) + "…" : input.text();
        return new AgentReply("You said: " + echoed, "awaiting_input", data, "intent:unknown");
    }
}
