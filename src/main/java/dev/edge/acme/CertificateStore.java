package dev.edge.acme;

import java.io.IOException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Where ACME certificates and the account key live between runs. One edge keeps them in files
 * ({@link FileCertificateStore}); a cluster of edges can share them through another implementation,
 * so a certificate ordered by one edge is served by all.
 *
 * <p>Blocking: called on the ACME threads and at start, never on an event loop.
 */
public interface CertificateStore {

  /**
   * A stored certificate.
   *
   * @param chain the leaf first, then the intermediates
   * @param key the leaf's private key
   */
  record Stored(List<X509Certificate> chain, PrivateKey key) {
    public Stored {
      chain = List.copyOf(chain);
    }
  }

  /** The certificate stored for {@code domain}, if there is one and it is whole. */
  Optional<Stored> load(String domain) throws IOException;

  /** Stores {@code domain}'s new certificate, replacing the old one as one step. */
  void save(String domain, Stored certificate) throws IOException;

  /** The ACME account's key pair, created (EC P-256) and stored on first use. */
  KeyPair accountKey() throws IOException;

  /** Where the store keeps things, for messages. */
  String location();
}
