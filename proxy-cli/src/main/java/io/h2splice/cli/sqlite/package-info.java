/**
 * Dapr's SQLite name resolution ({@code spec.nameResolution.component: sqlite} in {@code --config}), the resolver Dapr
 * documents for several sidecars on one host: every sidecar writes its internal address into one SQLite table and
 * renews it; others read it. h2splice reads and writes the same table as daprd (components-contrib's
 * {@code nameresolution/sqlite}), so daprd and h2splice sidecars find each other. Depends on {@code proxy-core}'s
 * {@code resolve} package and the SQLite JDBC driver; each JDBC connection is used by one thread only.
 */
package io.h2splice.cli.sqlite;
