package dev.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws latency percentiles against offered load from the load generator's open-loop result lines
 * (a JSONL file; the runs labelled open-RATE) into a PNG: {@code LatencyPlot results.jsonl plot.png "title"}.
 */
public final class LatencyPlot {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;
    private static final int LEFT = 80;
    private static final int RIGHT = 200;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    private record Series(String name, String histogram, String percentile, Color color) {
    }

    private static final List<Series> SERIES = List.of(
            new Series("reply p50", "replyMs", "p50", new Color(0x1f77b4)),
            new Series("reply p90", "replyMs", "p90", new Color(0x2ca02c)),
            new Series("reply p99", "replyMs", "p99", new Color(0xd62728)),
            new Series("accepted p99", "acceptedMs", "p99", new Color(0x9467bd)));

    private LatencyPlot() {
    }

    public static void main(String[] args) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> points = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (!line.isBlank()) {
                JsonNode node = mapper.readTree(line);
                if (node.path("label").asText().startsWith("open-")) {
                    points.add(node);
                }
            }
        }
        points.sort(Comparator.comparingDouble(n -> n.path("offeredRate").asDouble()));
        if (points.isEmpty()) {
            throw new IllegalArgumentException("no open-loop results in " + args[0]);
        }
        double maxX = points.get(points.size() - 1).path("offeredRate").asDouble() * 1.05;
        double maxY = 0;
        for (JsonNode p : points) {
            for (Series s : SERIES) {
                maxY = Math.max(maxY, p.path(s.histogram()).path(s.percentile()).asDouble());
            }
        }
        maxY = niceCeiling(maxY);

        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i <= 5; i++) {
            int y = TOP + plotH - plotH * i / 5;
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(LEFT, y, LEFT + plotW, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format("%.1f", maxY * i / 5), LEFT - 45, y + 4);
        }
        for (JsonNode p : points) {
            double rate = p.path("offeredRate").asDouble();
            int x = LEFT + (int) (plotW * rate / maxX);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format("%.0f", rate), x - 10, TOP + plotH + 18);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, plotW, plotH);
        g.drawString("offered load (messages/s, 64 sessions, open loop)", LEFT + plotW / 2 - 140, HEIGHT - 15);
        g.drawString("latency (ms)", 10, TOP - 10);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(args.length > 2 ? args[2] : "Switchboard latency against offered load", LEFT, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));

        int legendY = TOP + 10;
        g.setStroke(new BasicStroke(2f));
        for (Series s : SERIES) {
            g.setColor(s.color());
            int lastX = -1;
            int lastY = -1;
            for (JsonNode p : points) {
                int x = LEFT + (int) (plotW * p.path("offeredRate").asDouble() / maxX);
                double value = p.path(s.histogram()).path(s.percentile()).asDouble();
                int y = TOP + plotH - (int) (plotH * value / maxY);
                g.fillOval(x - 3, y - 3, 7, 7);
                if (lastX >= 0) {
                    g.drawLine(lastX, lastY, x, y);
                }
                lastX = x;
                lastY = y;
            }
            g.drawLine(LEFT + plotW + 15, legendY, LEFT + plotW + 40, legendY);
            g.setColor(Color.BLACK);
            g.drawString(s.name(), LEFT + plotW + 48, legendY + 4);
            legendY += 22;
        }
        g.dispose();
        ImageIO.write(image, "png", new File(args[1]));
    }

    private static double niceCeiling(double value) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(value, 0.001))));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= value) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
