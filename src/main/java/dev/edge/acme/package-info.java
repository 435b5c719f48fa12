/**
 * Certificates from an ACME CA (RFC 8555): ordering and renewing them with acme4j off the event
 * loops ({@link dev.edge.acme.AcmeRenewals}, {@link dev.edge.acme.AcmeClient}), answering the CA's
 * HTTP-01 and TLS-ALPN-01 challenges through {@link dev.edge.tls.AcmeChallenges}, and keeping them
 * behind {@link dev.edge.acme.CertificateStore}, which a shared backend can implement for a
 * cluster.
 */
package dev.edge.acme;
