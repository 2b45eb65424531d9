package dev.switchboard.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.logging.Level;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

class PiiMaskTest {
    @Test
    void emailAddressesAndPhoneNumbersAreMasked() {
        assertEquals("write to [email] please", PiiMask.mask("write to jane.doe+shop@example.co.uk please"));
        for (String phone : new String[] {"+44 20 7946 0958", "+1 (555) 123-4567", "0612345678", "+31612345678",
                "555.123.4567"}) {
            assertEquals("call [phone] now", PiiMask.mask("call " + phone + " now"), phone);
        }
    }

    @Test
    void identifiersTimesAndCountersAreLeftAlone() {
        for (String text : new String[] {"session 00000000-0000-0000-0000-00000000d3e0 event 12345",
                "at 2026-11-24 06:59:09,123", "effect 5 (session 4 seq 1)", "took 1234 ms", "v1.2.3"}) {
            assertEquals(text, PiiMask.mask(text));
        }
    }

    @Test
    void theLogFilterMasksFormattedMessagesAtInfoAndAbove() {
        ExtLogRecord record = new ExtLogRecord(Level.WARNING, "customer %s wrote from %s", ExtLogRecord.FormatStyle.PRINTF,
                PiiMaskTest.class.getName());
        record.setParameters(new Object[] {"jane@example.com", "+44 20 7946 0958"});
        record.setThrown(new IllegalStateException("bad address jane@example.com"));
        new PiiMaskingFilter().isLoggable(record);
        assertEquals("customer [email] wrote from [phone]", record.getFormattedMessage());
        assertFalse(record.getThrown().getMessage().contains("jane@example.com"));
    }
}
