package dev.switchboard.analytics;

import java.util.Map;
import java.util.TreeMap;

/**
 * A duration metric's counts by bin (seconds, see {@code report_bin} in migration V12) and its sum of
 * milliseconds: the mean is exact; percentiles interpolate between the nearest values as
 * PostgreSQL's percentile_cont does, exact to the second below 100 s and to two significant digits
 * above.
 */
final class Histogram {
    private final TreeMap<Long, Long> bins = new TreeMap<>();
    private long count;
    private long sumMillis;

    void add(long seconds, long n) {
        bins.merge(seconds, n, Long::sum);
        count += n;
    }

    void addMillis(long millis) {
        sumMillis += millis;
    }

    long countBelow(long seconds) {
        return bins.headMap(seconds, false).values().stream().mapToLong(Long::longValue).sum();
    }

    DurationStats stats() {
        if (count <= 0) {
            return DurationStats.NONE;
        }
        return new DurationStats(count, Math.round((double) sumMillis / count) / 1000.0, percentile(0.5),
                percentile(0.9));
    }

    private double percentile(double p) {
        double position = p * (count - 1);
        long below = (long) Math.floor(position);
        double low = valueAt(below);
        double high = valueAt((long) Math.ceil(position));
        return Math.round((low + (position - below) * (high - low)) * 1000) / 1000.0;
    }

    /** The value of the {@code index}th smallest duration (from 0). */
    private long valueAt(long index) {
        long seen = 0;
        for (Map.Entry<Long, Long> bin : bins.entrySet()) {
            seen += bin.getValue();
            if (index < seen) {
                return bin.getKey();
            }
        }
        return bins.lastKey();
    }
}
