package dev.switchboard.analytics;

import dev.switchboard.ops.ProblemException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * The range and filters of a report. {@code from} and {@code to} are instants or dates (a date is
 * its first moment in {@code tz}; a date as {@code to} includes that day). Counts are kept per quarter
 * hour, so both ends move up to the next quarter hour, which every time zone's midnight is on.
 */
record ReportRange(Instant from, Instant to, ZoneId zone, String channel) {
    static final Duration BUCKET = Duration.ofMinutes(15);
    private static final Set<String> CHANNELS = Set.of("web", "whatsapp");

    static ReportRange parse(String from, String to, String tz, String channel, Duration maxRange) {
        ZoneId zone = zone(tz);
        if (from == null || from.isBlank() || to == null || to.isBlank()) {
            throw ProblemException.badRequest("'from' and 'to' are required: ISO instants (2026-11-01T00:00:00Z) or dates "
                    + "(2026-11-01).");
        }
        Instant start = ceil(point(from, zone, false, "from"));
        Instant end = ceil(point(to, zone, true, "to"));
        if (!start.isBefore(end)) {
            throw ProblemException.badRequest("'from' must be before 'to'.");
        }
        if (Duration.between(start, end).compareTo(maxRange) > 0) {
            throw ProblemException.badRequest("A report covers at most " + maxRange.toDays() + " days.");
        }
        if (channel != null && !channel.isEmpty() && !CHANNELS.contains(channel)) {
            throw ProblemException.badRequest("'channel' must be web or whatsapp.");
        }
        return new ReportRange(start, end, zone, channel == null || channel.isEmpty() ? null : channel);
    }

    private static ZoneId zone(String tz) {
        if (tz == null || tz.isEmpty()) {
            return ZoneId.of("UTC");
        }
        try {
            return ZoneId.of(tz);
        } catch (DateTimeException e) {
            throw ProblemException.badRequest("'tz' must be an IANA time zone such as Europe/Berlin.");
        }
    }

    private static Instant point(String value, ZoneId zone, boolean end, String name) {
        try {
            if (value.length() == 10) {
                LocalDate day = LocalDate.parse(value);
                return (end ? day.plusDays(1) : day).atStartOfDay(zone).toInstant();
            }
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest("'" + name + "' must be an ISO instant (2026-11-01T00:00:00Z) or a date "
                    + "(2026-11-01).");
        }
    }

    private static Instant ceil(Instant instant) {
        long step = BUCKET.getSeconds();
        long seconds = instant.getEpochSecond() + (instant.getNano() > 0 ? 1 : 0);
        return Instant.ofEpochSecond(Math.floorDiv(seconds + step - 1, step) * step);
    }
}
