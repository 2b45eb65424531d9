package dev.switchboard.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A classifier definition: intents recognised by keywords and patterns, the confidence below which
 * a message is "unknown", and the slots a flow can collect. Parsed from JSON and validated as a
 * whole: {@link Invalid} lists every problem found, not just the first.
 */
public record IntentDefinition(double threshold, List<Intent> intents, Map<String, Slot> slots) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,39}");
    private static final int MAX_KEYWORDS = 200;

    /** An intent; {@code reply}, if set, is what the built-in flow answers to it. */
    public record Intent(String name, List<Phrase> keywords, List<Pattern> patterns, String reply) {
    }

    /** A slot is filled by the first listed value found in the text, or the first match of its pattern. */
    public record Slot(String name, List<Phrase> values, Pattern pattern) {
    }

    /** The definition is not usable; the message lists every problem. */
    public static class Invalid extends RuntimeException {
        private final List<String> problems;

        Invalid(List<String> problems) {
            super("invalid intent definition: " + String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    public static IntentDefinition parse(JsonNode json) {
        List<String> problems = new ArrayList<>();
        if (json == null || !json.isObject()) {
            throw new Invalid(List.of("the definition must be a JSON object"));
        }
        double threshold = json.path("threshold").asDouble(0.5);
        if (json.has("threshold") && (!json.get("threshold").isNumber() || threshold <= 0 || threshold > 1)) {
            problems.add("'threshold' must be a number in (0, 1]");
        }
        List<Intent> intents = new ArrayList<>();
        JsonNode intentNodes = json.path("intents");
        if (!intentNodes.isArray() || intentNodes.isEmpty()) {
            problems.add("'intents' must be a non-empty array");
        } else {
            Set<String> names = new HashSet<>();
            for (int i = 0; i < intentNodes.size(); i++) {
                Intent intent = intent(intentNodes.get(i), "intents[" + i + "]", problems);
                if (intent != null && !names.add(intent.name())) {
                    problems.add("intents[" + i + "]: duplicate intent '" + intent.name() + "'");
                }
                if (intent != null) {
                    intents.add(intent);
                }
            }
        }
        Map<String, Slot> slots = new LinkedHashMap<>();
        JsonNode slotNodes = json.path("slots");
        if (!slotNodes.isMissingNode() && !slotNodes.isObject()) {
            problems.add("'slots' must be an object");
        } else {
            slotNodes.fields().forEachRemaining(e -> {
                Slot slot = slot(e.getKey(), e.getValue(), problems);
                if (slot != null) {
                    slots.put(slot.name(), slot);
                }
            });
        }
        if (!problems.isEmpty()) {
            throw new Invalid(problems);
        }
        return new IntentDefinition(threshold, List.copyOf(intents), Map.copyOf(slots));
    }

    private static Intent intent(JsonNode node, String where, List<String> problems) {
        String name = node.path("name").asText("");
        if (!NAME.matcher(name).matches()) {
            problems.add(where + ": 'name' must match " + NAME.pattern());
            return null;
        }
        List<Phrase> keywords = new ArrayList<>();
        JsonNode words = node.path("keywords");
        if (!words.isMissingNode() && !words.isArray()) {
            problems.add(where + " (" + name + "): 'keywords' must be an array of strings");
        }
        for (JsonNode word : words) {
            String text = word.asText("").trim().toLowerCase(Locale.ROOT);
            if (!word.isTextual() || text.isEmpty()) {
                problems.add(where + " (" + name + "): keywords must be non-empty strings");
            } else {
                keywords.add(new Phrase(text));
            }
        }
        List<Pattern> patterns = new ArrayList<>();
        for (JsonNode pattern : node.path("patterns")) {
            try {
                patterns.add(Pattern.compile(pattern.asText(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
            } catch (PatternSyntaxException e) {
                problems.add(where + " (" + name + "): pattern '" + pattern.asText() + "' does not compile: "
                        + e.getDescription());
            }
        }
        if (keywords.isEmpty() && patterns.isEmpty()) {
            problems.add(where + " (" + name + "): needs at least one keyword or pattern");
        }
        if (keywords.size() > MAX_KEYWORDS) {
            problems.add(where + " (" + name + "): at most " + MAX_KEYWORDS + " keywords");
        }
        JsonNode reply = node.path("reply");
        if (!reply.isMissingNode() && (!reply.isTextual() || reply.asText().isBlank())) {
            problems.add(where + " (" + name + "): 'reply' must be a non-empty string");
        }
        return new Intent(name, List.copyOf(keywords), List.copyOf(patterns), reply.isTextual() ? reply.asText() : null);
    }

    private static Slot slot(String name, JsonNode node, List<String> problems) {
        if (!NAME.matcher(name).matches()) {
            problems.add("slots." + name + ": the name must match " + NAME.pattern());
            return null;
        }
        List<Phrase> values = new ArrayList<>();
        for (JsonNode value : node.path("values")) {
            String text = value.asText().toLowerCase(Locale.ROOT);
            // a blank value is no word to find; skipped, not refused, so that a definition stored with one still loads
            if (!text.isBlank()) {
                values.add(new Phrase(text));
            }
        }
        Pattern pattern = null;
        if (node.hasNonNull("pattern")) {
            try {
                pattern = Pattern.compile(node.get("pattern").asText(), Pattern.CASE_INSENSITIVE);
            } catch (PatternSyntaxException e) {
                problems.add("slots." + name + ": pattern does not compile: " + e.getDescription());
            }
        }
        if (node.path("values").isEmpty() && pattern == null && !node.hasNonNull("pattern")) {
            problems.add("slots." + name + ": needs 'values' or a 'pattern'");
        }
        return new Slot(name, List.copyOf(values), pattern);
    }
}
