package io.streamrec.model.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/** Line charts of rolling metrics as a PNG (Java2D, headless): one panel per metric, one line per method. */
final class SeriesPlot {
    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728)
    };

    private SeriesPlot() {}

    /**
     * @param points the series, each a map with {@code xKey} and {@code <method>_<metric>} values
     * @param methods line names
     * @param metrics panel names
     */
    static void write(
            Path out,
            String title,
            List<Map<String, Object>> points,
            String xKey,
            String xLabel,
            List<String> methods,
            List<String> metrics)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        int panelH = 320;
        int w = 960;
        int h = 60 + panelH * metrics.size();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, 70, 30);
        double xMin = num(points.get(0).get(xKey));
        double xMax = num(points.get(points.size() - 1).get(xKey));
        for (int p = 0; p < metrics.size(); p++) {
            int top = 50 + p * panelH;
            int left = 70;
            int right = w - 170;
            int bottom = top + panelH - 50;
            double yMax = 0;
            for (Map<String, Object> pt : points) {
                for (String m : methods) {
                    yMax = Math.max(yMax, num(pt.get(m + "_" + metrics.get(p))));
                }
            }
            yMax = Math.ceil(yMax * 1.1 * 100) / 100;
            g.setColor(new Color(0xdddddd));
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (int t = 0; t <= 5; t++) {
                int y = bottom - (bottom - top) * t / 5;
                g.setColor(new Color(0xdddddd));
                g.drawLine(left, y, right, y);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format("%.3f", yMax * t / 5), 20, y + 4);
            }
            for (int t = 0; t <= 5; t++) {
                int x = left + (right - left) * t / 5;
                g.drawString(String.format("%,.0f", xMin + (xMax - xMin) * t / 5), x - 20, bottom + 16);
            }
            g.setColor(Color.BLACK);
            g.drawRect(left, top, right - left, bottom - top);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.drawString(metrics.get(p), left + 8, top + 18);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(xLabel, (left + right) / 2 - 40, bottom + 34);
            for (int m = 0; m < methods.size(); m++) {
                g.setColor(COLORS[m % COLORS.length]);
                g.setStroke(new BasicStroke(2f));
                int px = -1;
                int py = -1;
                for (Map<String, Object> pt : points) {
                    int x = left + (int) ((num(pt.get(xKey)) - xMin) / Math.max(1e-9, xMax - xMin) * (right - left));
                    int y = bottom - (int) (num(pt.get(methods.get(m) + "_" + metrics.get(p))) / yMax * (bottom - top));
                    if (px >= 0) {
                        g.drawLine(px, py, x, y);
                    }
                    px = x;
                    py = y;
                }
                g.fillRect(right + 15, top + 20 + m * 22, 14, 4);
                g.setColor(Color.BLACK);
                g.drawString(methods.get(m).replace('_', ' '), right + 35, top + 26 + m * 22);
            }
        }
        g.dispose();
        Files.createDirectories(out.toAbsolutePath().getParent());
        ImageIO.write(img, "png", out.toFile());
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }
}
