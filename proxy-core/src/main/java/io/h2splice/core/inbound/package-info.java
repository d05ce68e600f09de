/**
 * The inbound stack: calls from other sidecars, arriving on the internal port, handed to the local application.
 *
 * <p>Starting point: {@link io.h2splice.core.inbound.InboundRouter}.
 */
package io.h2splice.core.inbound;
