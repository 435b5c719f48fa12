package dev.edge.tls;

import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A certificate the edge can serve: its chain (leaf first), its private key, where it came from and
 * the names it answers for (lower case; {@code *.example.com} for a wildcard).
 *
 * @param alias the key manager's name for it, unique in this process
 * @param source where it came from, which also sets its priority
 * @param names the host names it is served for
 * @param chain the leaf first, then the intermediates
 * @param key the leaf's private key
 */
public record ServedCertificate(
    String alias, Source source, List<String> names, List<X509Certificate> chain, PrivateKey key) {

  private static final AtomicLong NEXT_ALIAS = new AtomicLong();

  /** Where a certificate comes from, highest priority first. */
  public enum Source {
    /** PEM files the operator gave ({@code --cert}/{@code --key}). */
    CONFIGURED("configured"),
    /** Obtained from an ACME CA by the edge. */
    ACME("acme"),
    /** The edge's development certificate, signed by its local CA. */
    DEV("dev");

    private final String id;

    Source(String id) {
      this.id = id;
    }

    /** The name users see ({@code configured}, {@code acme}, {@code dev}). */
    public String id() {
      return id;
    }
  }

  public ServedCertificate {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a certificate chain needs at least the leaf");
    }
    names = List.copyOf(names);
    chain = List.copyOf(chain);
  }

  /** A certificate served for the DNS names of its leaf's subject alternative names. */
  public static ServedCertificate of(Source source, List<X509Certificate> chain, PrivateKey key) {
    return new ServedCertificate(nextAlias(), source, dnsNames(chain.get(0)), chain, key);
  }

  /** A key manager alias no other certificate of this process has. */
  public static String nextAlias() {
    return "edge-" + NEXT_ALIAS.incrementAndGet();
  }

  /** The leaf certificate. */
  public X509Certificate leaf() {
    return chain.get(0);
  }

  /** When the leaf expires. */
  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  /** The leaf's serial number, in hex. */
  public String serial() {
    return leaf().getSerialNumber().toString(16);
  }

  /** The leaf's issuer, as an X.500 name. */
  public String issuer() {
    return leaf().getIssuerX500Principal().getName();
  }

  /** The SHA-256 fingerprint of the leaf, as colon-separated hex pairs. */
  public String fingerprint() {
    return fingerprint(leaf());
  }

  /** The SHA-256 fingerprint of {@code certificate}, as colon-separated upper-case hex pairs. */
  public static String fingerprint(X509Certificate certificate) {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot fingerprint a certificate", e);
    }
  }

  /** The DNS names (type 2) in {@code certificate}'s subject alternative names, lower case. */
  static List<String> dnsNames(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    try {
      if (certificate.getSubjectAlternativeNames() != null) {
        for (List<?> name : certificate.getSubjectAlternativeNames()) {
          if (name.size() == 2 && Integer.valueOf(2).equals(name.get(0))) {
            names.add(name.get(1).toString().toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException("unreadable subject alternative names", e);
    }
    return names;
  }
}
