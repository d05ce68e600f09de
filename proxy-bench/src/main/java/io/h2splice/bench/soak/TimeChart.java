package io.h2splice.bench.soak;

import io.h2splice.bench.report.Html;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An inline SVG of one metric over a phase, one line per process: minutes on x, the value on a linear y axis from 0
 * (so a flat line looks flat and a 10 % drift looks like 10 %), bytes in MiB. When the phase is judged, the window
 * after the warm-up mark and the last one (the two whose medians are compared) are shaded.
 */
final class TimeChart {

    static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
        "#17becf", "#7f7f7f", "#bcbd22"};
    private static final int WIDTH = 800;
    private static final int HEIGHT = 240;
    private static final int LEFT = 70;
    private static final int RIGHT = 230;
    private static final int TOP = 14;
    private static final int BOTTOM = 36;

    private TimeChart() {
    }

    /** One line of the chart and its legend. */
    record Line(String name, List<double[]> points) {
    }

    /**
     * @param axis    the y axis' title ({@code MiB} is used for bytes whatever it says)
     * @param windows {from, to} pairs of seconds to shade; empty for none
     */
    static String svg(String title, Series.Unit unit, String axis, List<Line> lines, List<double[]> windows) {
        double scale = unit == Series.Unit.BYTES ? 1 << 20 : 1;
        double tMax = 60;
        double vMax = 0;
        for (Line s : lines) {
            for (double[] p : s.points()) {
                tMax = Math.max(tMax, p[0]);
                vMax = Math.max(vMax, p[1] / scale);
            }
        }
        double step = niceStep(vMax);
        double yTop = Math.max(step, Math.ceil(vMax / step) * step);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        double fTMax = tMax;
        java.util.function.DoubleUnaryOperator px = t -> LEFT + t / fTMax * plotW;
        java.util.function.DoubleUnaryOperator py = v -> TOP + plotH - v / yTop * plotH;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                + "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT,
                Html.escape(title)));
        sb.append("<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
        for (double[] w : windows) {
            double x0 = px.applyAsDouble(Math.max(0, w[0]));
            double x1 = px.applyAsDouble(Math.min(tMax, w[1]));
            sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                    + "fill=\"#f4efe0\"/>%n", x0, TOP, Math.max(0, x1 - x0), plotH));
        }
        for (double v = 0; v <= yTop + step / 2; v += step) {
            double y = py.applyAsDouble(v);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                    + "stroke=\"#e4e4e4\"/>%n<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\" "
                    + "fill=\"#444\">%s</text>%n",
                    LEFT, y, LEFT + plotW, y, LEFT - 6, y + 4, label(v, step)));
        }
        double tStep = tMax <= 600 ? 60 : tMax <= 3600 ? 300 : 600;
        for (double t = 0; t <= tMax + 1e-9; t += tStep) {
            double x = px.applyAsDouble(t);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>"
                    + "%n<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\" fill=\"#444\">%s</text>%n",
                    x, TOP, x, TOP + plotH, x, TOP + plotH + 15, Fmt.clock(t)));
        }
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#888\"/>%n", LEFT, TOP, plotW, plotH));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\">"
                + "time since the load started (m:ss)</text>%n", LEFT + plotW / 2, HEIGHT - 4));
        sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\" "
                + "transform=\"rotate(-90 14 %d)\">%s</text>%n", TOP + plotH / 2, TOP + plotH / 2,
                Html.escape(unit == Series.Unit.BYTES ? "MiB" : axis)));
        for (int i = 0; i < lines.size(); i++) {
            Line s = lines.get(i);
            String color = COLORS[i % COLORS.length];
            List<String> pts = new ArrayList<>();
            for (double[] p : s.points()) {
                pts.add(String.format(Locale.ROOT, "%.1f,%.1f", px.applyAsDouble(p[0]),
                        py.applyAsDouble(p[1] / scale)));
            }
            sb.append("<polyline fill=\"none\" stroke-width=\"1.6\" stroke=\"").append(color).append("\" points=\"")
                    .append(String.join(" ", pts)).append("\"><title>").append(Html.escape(s.name()))
                    .append("</title></polyline>\n");
            int ly = TOP + 10 + i * 16;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                    + "stroke-width=\"3\"/>%n<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>%n",
                    LEFT + plotW + 10, ly, LEFT + plotW + 28, ly, color, LEFT + plotW + 34, ly + 4,
                    Html.escape(abbreviate(s.name(), 36))));
        }
        return sb.append("</svg>\n").toString();
    }

    /** 1, 2 or 5 times a power of ten, about a fifth of {@code max}. */
    static double niceStep(double max) {
        if (!(max > 0)) {
            return 1;
        }
        double raw = max / 5;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String label(double v, double step) {
        return step >= 1 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String abbreviate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
