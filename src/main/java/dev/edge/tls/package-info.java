/**
 * HTTPS certificates: which certificate each TLS handshake is answered with, where certificates
 * come from, and the one TLS context every HTTPS connection uses.
 *
 * <p>{@link dev.edge.tls.SniKeyManager} chooses a certificate per handshake from an immutable
 * {@link dev.edge.tls.CertificateTable} (exact name, then a one-label wildcard, then the default),
 * swapped atomically when a certificate is added, renewed or reloaded: new connections get the new
 * certificate, open ones keep theirs. {@link dev.edge.tls.TlsCertificates} builds that table from
 * the sources, highest priority first: configured PEM files ({@code --cert}/{@code --key}), then
 * the {@link dev.edge.tls.DevCertificate} (a local CA and a leaf for local names, generated on
 * first run). {@link dev.edge.tls.TlsContexts} makes the server context: TLS 1.3 and 1.2 with
 * Mozilla's "intermediate" ciphers, ALPN {@code h2} and {@code http/1.1}, session resumption.
 *
 * <p>Nothing here runs on an event loop except {@link dev.edge.tls.SniKeyManager}'s lookups, which
 * only read the current table. File I/O and key generation happen at start-up and on reload.
 */
package dev.edge.tls;
