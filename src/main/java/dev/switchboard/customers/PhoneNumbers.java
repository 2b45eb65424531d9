package dev.switchboard.customers;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Phone numbers in any common spelling, to E.164 (libphonenumber): the one form stored and searched. */
@ApplicationScoped
public class PhoneNumbers {
    private static final int MAX_INPUT = 40;
    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    private final String defaultRegion;

    PhoneNumbers(CustomersConfig config) {
        this.defaultRegion = config.defaultRegion();
    }

    /** The E.164 form of a valid number, or empty. */
    public Optional<String> e164(String input) {
        if (input == null || input.isBlank() || input.length() > MAX_INPUT) {
            return Optional.empty();
        }
        String spelled = input.trim();
        if (spelled.startsWith("00")) {
            spelled = "+" + spelled.substring(2);
        }
        Optional<String> parsed = parse(spelled, defaultRegion);
        if (parsed.isEmpty() && spelled.matches("[1-9][0-9 ]{7,}")) {
            // digits with their country code but no "+", as a WhatsApp id is written
            parsed = parse("+" + spelled, defaultRegion);
        }
        return parsed;
    }

    private Optional<String> parse(String spelled, String region) {
        try {
            PhoneNumber number = util.parse(spelled, region);
            return util.isValidNumber(number)
                    ? Optional.of(util.format(number, PhoneNumberUtil.PhoneNumberFormat.E164))
                    : Optional.empty();
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /** A WhatsApp id is the number's digits with its country code and no "+". */
    public Optional<String> fromWaId(String waId) {
        if (waId == null || !waId.matches("[1-9][0-9]{6,14}")) {
            return Optional.empty();
        }
        return e164("+" + waId);
    }
}
