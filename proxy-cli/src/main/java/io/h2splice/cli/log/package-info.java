/**
 * Logging for the whole process, through SLF4J and logback configured in code: daprd's plain (logrus) and JSON
 * lines, Dapr-like scopes, an asynchronous queue that drops rather than blocks. Starting point:
 * {@link io.h2splice.cli.log.LogSetup}.
 */
package io.h2splice.cli.log;
