package dev.switchboard.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** A latency histogram in microseconds (1 µs to 2 min, 3 significant digits), reported in ms. */
final class LatencyRecorder {
    private final Histogram histogram = new ConcurrentHistogram(1, 120_000_000L, 3);

    void recordNanos(long nanos) {
        histogram.recordValue(Math.max(1, Math.min(nanos / 1000, 120_000_000L)));
    }

    long count() {
        return histogram.getTotalCount();
    }

    double percentileMillis(double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("count", histogram.getTotalCount());
        node.put("p50", percentileMillis(50));
        node.put("p90", percentileMillis(90));
        node.put("p99", percentileMillis(99));
        node.put("p999", percentileMillis(99.9));
        node.put("max", histogram.getMaxValue() / 1000.0);
        node.put("mean", histogram.getMean() / 1000.0);
        return node;
    }
}
