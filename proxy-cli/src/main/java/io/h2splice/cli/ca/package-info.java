/**
 * {@code h2splice ca}: creates the local certificate authority, issues workload certificates from it and shows
 * what is in a certificate file. Starting point: {@link io.h2splice.cli.ca.CaCommand}; the CA itself is
 * {@link io.h2splice.tls.ca.CertificateAuthority}.
 */
package io.h2splice.cli.ca;
