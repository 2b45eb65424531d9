package dev.switchboard.agent;

/**
 * A keyword or slot value of an intent definition, found in a text as a whole word or phrase: not
 * inside a longer word, so neither a letter nor a number (in any script) touches it on either side.
 * A plain search rather than a regular expression: the rules agent looks for every keyword of every
 * intent in every message, and a {@code Matcher} per keyword cost a turn 8 kB and up to 25 µs
 * ({@code ClassifierCost}, BENCHMARKS.md).
 */
public final class Phrase {
    private final String text;

    /** @param text the phrase as the message is searched: lower case, not empty */
    Phrase(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("a phrase is not empty");
        }
        this.text = text;
    }

    public String text() {
        return text;
    }

    /** Whether {@code message} (in lower case, as the phrase is) contains the phrase as a whole word or phrase. */
    public boolean in(String message) {
        int from = 0;
        int at;
        while ((at = message.indexOf(text, from)) >= 0) {
            int end = at + text.length();
            boolean startsWord = at == 0 || !wordChar(message.codePointBefore(at));
            boolean endsWord = end == message.length() || !wordChar(message.codePointAt(end));
            if (startsWord && endsWord) {
                return true;
            }
            from = at + 1;
        }
        return false;
    }

    /** A letter or a number of any script: what {@code [\p{L}\p{N}]} matches. */
    private static boolean wordChar(int codePoint) {
        if (Character.isLetter(codePoint)) {
            return true;
        }
        int type = Character.getType(codePoint);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }

    @Override
    public String toString() {
        return text;
    }
}
