package dev.switchboard.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PhraseTest {
    @Test
    void aPhraseIsFoundOnlyAsAWholeWordOrPhrase() {
        Phrase hi = new Phrase("hi");
        assertTrue(hi.in("hi"));
        assertTrue(hi.in("oh, hi!"));
        assertTrue(hi.in("(hi)"));
        assertFalse(hi.in("chilly"), "inside a word");
        assertFalse(hi.in("hi5"), "a digit touches it");
        assertFalse(hi.in("5hi"));
        assertFalse(hi.in("h\u00e9hi"), "an accented letter touches it");
        assertFalse(hi.in("\u0661hi"), "an Arabic-Indic digit touches it");
        assertFalse(hi.in("hi\u00b2"), "superscript two is a number");
        assertFalse(hi.in("\uD835\uDC00hi"), "a letter outside the basic plane (U+1D400) touches it");
        assertTrue(hi.in("chilly, hi"), "a later occurrence counts when the first is inside a word");
        assertTrue(new Phrase("opening hours").in("what are your opening hours?"));
        assertFalse(new Phrase("opening hours").in("opening hoursx"));
    }

    /**
     * The whole-word rule as the definition's keywords were matched before, one regular expression
     * each, within the basic plane: beyond it Java's lookbehind sees only the second half of a
     * surrogate pair, so the expression took a letter such as U+1D400 for a word's edge.
     */
    @Test
    void itFindsExactlyWhatTheWholeWordExpressionFinds() {
        Random random = new Random(14);
        String alphabet = "ab hi-,.5\u00e9\u00b2\u0661\u2167";
        String[] phrases = {"a", "hi", "b a", "ab", "\u00e9", "5", "a-b", "\u2167"};
        for (String text : phrases) {
            Phrase phrase = new Phrase(text);
            Pattern word = Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(text) + "(?![\\p{L}\\p{N}])");
            for (int i = 0; i < 20_000; i++) {
                StringBuilder message = new StringBuilder();
                int length = random.nextInt(12);
                for (int j = 0; j < length; j++) {
                    message.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                String m = message.toString();
                assertEquals(word.matcher(m).find(), phrase.in(m), () -> "'" + text + "' in '" + m + "'");
            }
        }
    }
}
