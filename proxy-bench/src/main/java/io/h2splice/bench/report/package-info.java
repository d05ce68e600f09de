/**
 * The results of a run and their three renderings: the console tables, the JSON object and the self-contained HTML
 * report with its inline SVG charts.
 *
 * <p>Starting points: {@link io.h2splice.bench.report.RunReport}, {@link io.h2splice.bench.report.TextReport},
 * {@link io.h2splice.bench.report.JsonReport}, {@link io.h2splice.bench.report.Html}.
 */
package io.h2splice.bench.report;
