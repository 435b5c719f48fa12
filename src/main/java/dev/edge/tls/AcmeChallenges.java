package dev.edge.tls;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The answers to ACME challenges in progress, written by the ACME client and read by the listeners:
 * HTTP-01 key authorizations by token (served at {@code /.well-known/acme-challenge/<token>} on the
 * HTTP listener, whatever the host), and TLS-ALPN-01 certificates by host name (served to
 * handshakes that ask for {@code acme-tls/1}). One store for every listener.
 *
 * <p>Reads happen on event loops and are one map lookup; an empty store costs nothing else.
 */
public final class AcmeChallenges {

  /** The ALPN protocol of TLS-ALPN-01 validation handshakes (RFC 8737). */
  public static final String ACME_TLS_1 = "acme-tls/1";

  private final Map<String, String> http01 = new ConcurrentHashMap<>();
  private final Map<String, ServedCertificate> tlsAlpn01 = new ConcurrentHashMap<>();

  /** Serves {@code keyAuthorization} for {@code token} until {@link #forgetHttp01}. */
  public void answerHttp01(String token, String keyAuthorization) {
    http01.put(token, keyAuthorization);
  }

  /** Stops serving {@code token}. */
  public void forgetHttp01(String token) {
    http01.remove(token);
  }

  /** The key authorization for {@code token}, or null. */
  public String http01(String token) {
    return http01.isEmpty() ? null : http01.get(token);
  }

  /** Serves {@code certificate} to {@code acme-tls/1} handshakes for {@code host}. */
  public void answerTlsAlpn01(String host, ServedCertificate certificate) {
    tlsAlpn01.put(host, certificate);
  }

  /** Stops serving {@code host}'s validation certificate. */
  public void forgetTlsAlpn01(String host) {
    tlsAlpn01.remove(host);
  }

  /** The validation certificate for {@code host}, or null. */
  ServedCertificate tlsAlpn01(String host) {
    return host == null || tlsAlpn01.isEmpty() ? null : tlsAlpn01.get(host);
  }

  /** The validation certificate with {@code alias}, or null. */
  ServedCertificate tlsAlpn01ByAlias(String alias) {
    for (ServedCertificate certificate : tlsAlpn01.values()) {
      if (certificate.alias().equals(alias)) {
        return certificate;
      }
    }
    return null;
  }
}
