package dev.edge.tls;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which certificate answers which host name: an immutable snapshot, replaced whole when anything
 * changes. Lookup order: the exact name, then a wildcard one label up ({@code *.example.com} for
 * {@code a.example.com}, never for {@code a.b.example.com} or {@code example.com}), then the
 * default. When two certificates claim a name, the higher-priority source wins ({@link
 * ServedCertificate.Source}), and among equals the first given.
 */
public final class CertificateTable {

  /** A table with no certificate at all (HTTPS is off, or nothing has been loaded yet). */
  public static final CertificateTable EMPTY = new CertificateTable(Map.of(), Map.of(), null);

  private final Map<String, ServedCertificate> exact;
  private final Map<String, ServedCertificate> wildcard;
  private final ServedCertificate fallback;
  private final Map<String, ServedCertificate> byAlias;

  private CertificateTable(
      Map<String, ServedCertificate> exact,
      Map<String, ServedCertificate> wildcard,
      ServedCertificate fallback) {
    this.exact = exact;
    this.wildcard = wildcard;
    this.fallback = fallback;
    Map<String, ServedCertificate> aliases = new HashMap<>();
    exact.values().forEach(c -> aliases.put(c.alias(), c));
    wildcard.values().forEach(c -> aliases.put(c.alias(), c));
    if (fallback != null) {
      aliases.put(fallback.alias(), fallback);
    }
    this.byAlias = Map.copyOf(aliases);
  }

  /**
   * A table of {@code certificates} (in any order), answering names nothing covers with {@code
   * fallback} (may be null: such handshakes then fail).
   */
  public static CertificateTable of(
      Collection<ServedCertificate> certificates, ServedCertificate fallback) {
    List<ServedCertificate> ordered =
        certificates.stream()
            .sorted((a, b) -> Integer.compare(a.source().ordinal(), b.source().ordinal()))
            .toList();
    Map<String, ServedCertificate> exact = new LinkedHashMap<>();
    Map<String, ServedCertificate> wildcard = new LinkedHashMap<>();
    for (ServedCertificate certificate : ordered) {
      for (String name : certificate.names()) {
        if (name.startsWith("*.")) {
          wildcard.putIfAbsent(name.substring(2), certificate);
        } else {
          exact.putIfAbsent(name, certificate);
        }
      }
    }
    return new CertificateTable(Map.copyOf(exact), Map.copyOf(wildcard), fallback);
  }

  /** The certificate for {@code host} (an SNI name; null when the client sent none). */
  public ServedCertificate find(String host) {
    ServedCertificate named = named(host);
    return named != null ? named : fallback;
  }

  /**
   * The certificate that names {@code host} exactly or by wildcard, or null when only the default
   * would answer it.
   */
  public ServedCertificate named(String host) {
    if (host == null || host.isEmpty()) {
      return null;
    }
    String name = host.toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    ServedCertificate found = exact.get(name);
    if (found != null) {
      return found;
    }
    int dot = name.indexOf('.');
    return dot > 0 ? wildcard.get(name.substring(dot + 1)) : null;
  }

  /** The certificate answering names nothing else covers, or null. */
  public ServedCertificate fallback() {
    return fallback;
  }

  /** The certificate with the key manager alias {@code alias}, or null. */
  ServedCertificate byAlias(String alias) {
    return byAlias.get(alias);
  }

  /** Every certificate in the table, each once. */
  public Collection<ServedCertificate> certificates() {
    return byAlias.values();
  }
}
