/**
 * The outbound stack: calls from the local application, arriving on the API port, routed to other apps' sidecars.
 *
 * <p>Starting point: {@link io.h2splice.core.outbound.OutboundRouter}.
 */
package io.h2splice.core.outbound;
