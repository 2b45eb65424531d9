package dev.switchboard.support;

import dev.switchboard.ops.PiiMaskingFilter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Records what the console would print while it is attached: the same masking filter, then each
 * message and its full stack trace, causes included. For tests that search the log for a text.
 */
public final class CapturedLog extends Handler implements AutoCloseable {
    private final PiiMaskingFilter filter = new PiiMaskingFilter();
    private final StringBuffer text = new StringBuffer();

    private CapturedLog() {
    }

    /** Starts capturing every logger's records; {@link #close()} stops. */
    public static CapturedLog start() {
        CapturedLog log = new CapturedLog();
        Logger.getLogger("").addHandler(log);
        return log;
    }

    public String text() {
        return text.toString();
    }

    @Override
    public void publish(LogRecord record) {
        if (!filter.isLoggable(record)) {
            return;
        }
        text.append(record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage())
                .append('\n');
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            text.append(trace);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
