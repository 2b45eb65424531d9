package dev.switchboard.ops;

import io.quarkus.logging.LoggingFilter;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import org.jboss.logmanager.ExtLogRecord;

/**
 * A log filter ({@code quarkus.log.console.filter=pii-mask}) that keeps customer content out of
 * every record: email addresses and phone numbers in the message are masked, and an attached
 * exception is replaced, along its whole cause chain, by a {@link SafeThrowable} (types and stacks
 * kept, messages only where they cannot quote content). Switchboard's own code never logs message
 * texts; this catches what slips through (exception messages, libraries).
 */
@LoggingFilter(name = "pii-mask")
public final class PiiMaskingFilter implements Filter {
    @Override
    public boolean isLoggable(LogRecord record) {
        String formatted = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        String masked = PiiMask.mask(formatted);
        if (record instanceof ExtLogRecord ext) {
            ext.setMessage(masked, ExtLogRecord.FormatStyle.NO_FORMAT);
        } else {
            record.setMessage(masked);
        }
        record.setParameters(null);
        if (record.getThrown() != null) {
            record.setThrown(SafeThrowable.of(record.getThrown()));
        }
        return true;
    }
}
