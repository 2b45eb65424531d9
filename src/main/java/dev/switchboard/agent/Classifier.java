package dev.switchboard.agent;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rule-based intent classification. A pattern match scores 0.9; keyword matches score 0.55 for the
 * first and 0.15 more for each further one, up to 0.85. The best intent wins (the first declared on
 * a tie); below the definition's threshold the message is {@code unknown}.
 */
public final class Classifier {
    private Classifier() {
    }

    public static Classification classify(IntentDefinition definition, String text) {
        String normalised = text.toLowerCase(Locale.ROOT);
        String best = Classification.UNKNOWN;
        double bestScore = 0;
        for (IntentDefinition.Intent intent : definition.intents()) {
            double score = score(intent, normalised);
            if (score > bestScore) {
                best = intent.name();
                bestScore = score;
            }
        }
        if (bestScore < definition.threshold()) {
            best = Classification.UNKNOWN;
        }
        return new Classification(best, bestScore, slots(definition, normalised));
    }

    private static double score(IntentDefinition.Intent intent, String text) {
        for (Pattern pattern : intent.patterns()) {
            if (pattern.matcher(text).find()) {
                return 0.9;
            }
        }
        int hits = 0;
        for (Phrase keyword : intent.keywords()) {
            if (keyword.in(text)) {
                hits++;
            }
        }
        return hits == 0 ? 0 : Math.min(0.85, 0.55 + 0.15 * (hits - 1));
    }

    private static Map<String, String> slots(IntentDefinition definition, String text) {
        Map<String, String> found = new LinkedHashMap<>();
        for (IntentDefinition.Slot slot : definition.slots().values()) {
            for (Phrase value : slot.values()) {
                if (value.in(text)) {
                    found.put(slot.name(), value.text());
                    break;
                }
            }
            if (!found.containsKey(slot.name()) && slot.pattern() != null) {
                Matcher m = slot.pattern().matcher(text);
                if (m.find()) {
                    found.put(slot.name(), m.group().trim());
                }
            }
        }
        return found;
    }
}
