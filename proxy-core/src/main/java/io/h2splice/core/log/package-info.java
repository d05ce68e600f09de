/**
 * Logging that a peer cannot flood. Starting point: {@link io.h2splice.core.log.LogLimiter}, one per reason.
 */
package io.h2splice.core.log;
