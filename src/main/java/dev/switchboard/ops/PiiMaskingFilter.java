package dev.switchboard.ops;

import io.quarkus.logging.LoggingFilter;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.jboss.logmanager.ExtLogRecord;

/**
 * A log filter ({@code quarkus.log.console.filter=pii-mask}) that masks email addresses and phone
 * numbers in every record at INFO and above, message and exception text alike. Message text itself
 * is never logged by Switchboard's code; this catches what slips through (exception messages,
 * libraries).
 */
@LoggingFilter(name = "pii-mask")
public final class PiiMaskingFilter implements Filter {
    @Override
    public boolean isLoggable(LogRecord record) {
        if (record.getLevel().intValue() < Level.INFO.intValue()) {
            return true;
        }
        String formatted = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        String masked = PiiMask.mask(formatted);
        if (record instanceof ExtLogRecord ext) {
            ext.setMessage(masked, ExtLogRecord.FormatStyle.NO_FORMAT);
        } else {
            record.setMessage(masked);
        }
        record.setParameters(null);
        if (record.getThrown() != null && record.getThrown().getMessage() != null) {
            String thrown = record.getThrown().getMessage();
            if (!thrown.equals(PiiMask.mask(thrown))) {
                record.setThrown(new MaskedThrowable(record.getThrown()));
            }
        }
        return true;
    }

    /** Stands in for an exception whose message carried personal data: same type name and stack, masked text. */
    static final class MaskedThrowable extends RuntimeException {
        MaskedThrowable(Throwable original) {
            super(original.getClass().getName() + ": " + PiiMask.mask(original.getMessage()), null, false, true);
            setStackTrace(original.getStackTrace());
        }
    }
}
