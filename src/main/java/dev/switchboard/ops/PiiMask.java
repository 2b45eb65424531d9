package dev.switchboard.ops;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Masks personal data (email addresses, phone numbers) in text bound for logs. */
public final class PiiMask {
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    /** 8 to 15 digits, optionally with a leading + and spaces, dots, dashes or parentheses between groups. */
    private static final Pattern PHONE = Pattern.compile(
            "(?<![\\w.:-])\\+?\\(?\\d(?:[ ().-]{0,2}\\d){7,14}(?![\\w:-])");
    /** Dates look like phone numbers to the pattern above; they are not personal data. */
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}.*");

    private PiiMask() {
    }

    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = EMAIL.matcher(text).replaceAll("[email]");
        return PHONE.matcher(masked).replaceAll(m -> DATE.matcher(m.group()).matches()
                ? Matcher.quoteReplacement(m.group()) : "[phone]");
    }
}
