package dev.edge.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Chooses the certificate of each TLS handshake by the client's SNI name, from the current {@link
 * CertificateTable}. {@link #update} swaps the table: handshakes that start afterwards see the new
 * one; a handshake in progress finds its chosen certificate in the previous table, which is kept
 * until the next swap.
 *
 * <p>A handshake whose ALPN chose {@code acme-tls/1} is an ACME CA validating a TLS-ALPN-01
 * challenge: it gets the validation certificate for its SNI name from {@link AcmeChallenges}, or no
 * certificate (the handshake fails) when no challenge for that name is pending.
 *
 * <p>Runs on the event loop during handshakes: lookups only read two volatile fields and maps.
 */
public final class SniKeyManager extends X509ExtendedKeyManager {

  private record Tables(CertificateTable current, CertificateTable previous) {}

  private volatile Tables tables = new Tables(CertificateTable.EMPTY, CertificateTable.EMPTY);
  private final AcmeChallenges challenges;

  /**
   * @param challenges the TLS-ALPN-01 certificates to serve to {@code acme-tls/1} handshakes
   */
  public SniKeyManager(AcmeChallenges challenges) {
    this.challenges = challenges;
  }

  /** Serves {@code table} from the next handshake on. */
  public synchronized void update(CertificateTable table) {
    tables = new Tables(table, tables.current());
  }

  /** The table handshakes use now. */
  public CertificateTable table() {
    return tables.current();
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    if (engine == null) {
      return choose(keyType, null);
    }
    if (AcmeChallenges.ACME_TLS_1.equals(engine.getHandshakeApplicationProtocol())) {
      ServedCertificate validation =
          challenges.tlsAlpn01(requestedHost(engine.getHandshakeSession()));
      return validation == null || !validation.key().getAlgorithm().equals(keyType)
          ? null
          : validation.alias();
    }
    return choose(keyType, engine.getHandshakeSession());
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return choose(keyType, null);
  }

  private String choose(String keyType, SSLSession handshake) {
    ServedCertificate certificate = tables.current().find(requestedHost(handshake));
    if (certificate == null || !certificate.key().getAlgorithm().equals(keyType)) {
      return null;
    }
    return certificate.alias();
  }

  /** The SNI host name the client asked for, or null. */
  static String requestedHost(SSLSession handshake) {
    if (handshake instanceof ExtendedSSLSession extended) {
      List<SNIServerName> names = extended.getRequestedServerNames();
      for (SNIServerName name : names) {
        if (name instanceof SNIHostName host) {
          return host.getAsciiName();
        }
      }
    }
    return null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    ServedCertificate certificate = find(alias);
    return certificate == null ? null : certificate.chain().toArray(X509Certificate[]::new);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    ServedCertificate certificate = find(alias);
    return certificate == null ? null : certificate.key();
  }

  private ServedCertificate find(String alias) {
    Tables now = tables;
    ServedCertificate certificate = now.current().byAlias(alias);
    if (certificate == null) {
      certificate = now.previous().byAlias(alias);
    }
    return certificate != null ? certificate : challenges.tlsAlpn01ByAlias(alias);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return tables.current().certificates().stream()
        .filter(c -> c.key().getAlgorithm().equals(keyType))
        .map(ServedCertificate::alias)
        .toArray(String[]::new);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
