package io.h2splice.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An inline SVG of latency by percentile, one line per topology, as HdrHistogram's plotter draws it: the x axis is
 * {@code -log10(1 - p/100)}, so 90, 99, 99.9 and 99.99 % are evenly spaced and the tail gets room; the y axis is
 * logarithmic too, so a 50 µs median and a 20 ms tail are both readable.
 */
final class PercentileChart {

    static final double[] X_TICKS = {0, 50, 90, 99, 99.9, 99.99};
    static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
        "#17becf", "#7f7f7f", "#bcbd22"};

    private static final int WIDTH = 760;
    private static final int HEIGHT = 380;
    private static final int LEFT = 70;
    private static final int RIGHT = 150;
    private static final int TOP = 20;
    private static final int BOTTOM = 45;

    private PercentileChart() {
    }

    /** A named line: percentile → nanoseconds. */
    record Line(String name, List<Latency.Point> points) {
    }

    static double x(double percentile) {
        double p = Math.min(percentile, Latency.CHART_MAX_PERCENTILE);
        return -Math.log10(1 - p / 100);
    }

    static String svg(String title, List<Line> lines) {
        double xMax = x(Latency.CHART_MAX_PERCENTILE);
        long lo = Long.MAX_VALUE;
        long hi = 0;
        for (Line l : lines) {
            for (Latency.Point p : l.points()) {
                lo = Math.min(lo, Math.max(1, p.nanos()));
                hi = Math.max(hi, p.nanos());
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                + "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT,
                Html.escape(title)));
        sb.append("<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
        if (hi == 0) {
            sb.append("<text x=\"20\" y=\"40\">no data</text>\n</svg>\n");
            return sb.toString();
        }
        double yLo = Math.floor(Math.log10(lo));
        double yHi = Math.ceil(Math.log10(hi));
        if (yHi - yLo < 1) {
            yHi = yLo + 1;
        }
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        final double fyLo = yLo;
        final double fyHi = yHi;
        java.util.function.DoubleUnaryOperator px = v -> LEFT + v / xMax * plotW;
        java.util.function.DoubleUnaryOperator py = ns -> TOP + plotH - (Math.log10(Math.max(1, ns)) - fyLo)
                / (fyHi - fyLo) * plotH;
        // grid and y labels: 1, 2, 5 per decade
        Format f = new Format(true);
        for (double d = yLo; d <= yHi; d++) {
            for (int m : new int[] {1, 2, 5}) {
                double ns = m * Math.pow(10, d);
                if (Math.log10(ns) > yHi + 1e-9) {
                    break;
                }
                double y = py.applyAsDouble(ns);
                sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>%n",
                        LEFT, y, LEFT + plotW, y, m == 1 ? "#ccc" : "#eee"));
                sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\" "
                        + "fill=\"#444\">%s</text>%n", LEFT - 6, y + 4, Html.escape(f.axis(ns))));
            }
        }
        for (double t : X_TICKS) {
            double x = px.applyAsDouble(x(t));
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
                    x, TOP, x, TOP + plotH));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\" "
                    + "fill=\"#444\">%s%%</text>%n", x, TOP + plotH + 16, label(t)));
        }
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#888\"/>%n", LEFT, TOP, plotW, plotH));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\">"
                + "percentile (log scale)</text>%n", LEFT + plotW / 2, HEIGHT - 8));
        sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\" "
                + "transform=\"rotate(-90 14 %d)\">latency (log scale)</text>%n", TOP + plotH / 2, TOP + plotH / 2));
        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            String color = COLORS[i % COLORS.length];
            List<String> pts = new ArrayList<>();
            for (Latency.Point p : l.points()) {
                pts.add(String.format(Locale.ROOT, "%.1f,%.1f", px.applyAsDouble(x(p.percentile())),
                        py.applyAsDouble(p.nanos())));
            }
            sb.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(color).append("\" points=\"")
                    .append(String.join(" ", pts)).append("\"><title>").append(Html.escape(l.name()))
                    .append("</title></polyline>\n");
            int ly = TOP + 10 + i * 18;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                    + "stroke-width=\"3\"/>%n", LEFT + plotW + 12, ly, LEFT + plotW + 32, ly, color));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>%n",
                    LEFT + plotW + 38, ly + 4, Html.escape(l.name())));
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static String label(double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }
}
