package dev.edge.tls;

import dev.edge.edgefile.EdgeConfig;
import dev.edge.observe.EdgeEvents;
import dev.edge.observe.EdgeEvents.Event;
import dev.edge.tls.ServedCertificate.Source;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The edge's certificates and where they come from: the operator's PEM files ({@code --cert} and
 * {@code --key}), ACME (put here by the ACME renewals), and the {@link DevCertificate}. Publishes a
 * new {@link CertificateTable} to the {@link SniKeyManager} whenever one of them changes: at start,
 * and on {@link #reload} (a config reload, or a change to the files). A reload that fails keeps
 * every certificate served so far and says why ({@code cert_failed}).
 *
 * <p>The configured certificate answers the names in its subject alternative names and, as the
 * default, any name no other certificate covers; the dev certificate answers its local names, and
 * is the default when nothing is configured.
 *
 * <p>Not for event loops: it reads files and may issue a certificate.
 */
public final class TlsCertificates {

  private final AcmeChallenges challenges = new AcmeChallenges();
  private final SniKeyManager keys = new SniKeyManager(challenges);
  private final Path certDir;
  private final Path certFile;
  private final Path keyFile;
  private final EdgeEvents events;
  private final Map<String, ServedCertificate> acme = new TreeMap<>();
  private final SiteCertificates sites;
  private volatile Supplier<Map<String, Renewal>> renewals = Map::of;
  private ServedCertificate configured;
  private DevCertificate.Loaded dev;
  private Set<String> devNames = Set.of();
  private volatile boolean anyTrusted;
  private volatile String lastError;

  /**
   * @param certDir where the dev certificate (and later ACME's) are kept
   * @param certFile the configured certificate chain (PEM), or null
   * @param keyFile the configured private key (PEM), or null
   */
  public TlsCertificates(Path certDir, Path certFile, Path keyFile, EdgeEvents events) {
    this.certDir = certDir;
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.events = events;
    this.sites = new SiteCertificates(events);
  }

  /**
   * Loads every source and serves them. A configured certificate that cannot be read stops the
   * start ({@link IOException} naming the file); so does a dev certificate that cannot be written.
   *
   * @param config the Edgefile: its sites' certificates, and the local host names the dev
   *     certificate must cover
   */
  public synchronized void start(EdgeConfig config) throws IOException {
    Set<String> localNames = localNames(config);
    sites.load(config, "start");
    if (certFile != null) {
      configured = readConfigured();
      loaded(configured, "start");
    }
    loadDev(localNames, "start");
    publish();
  }

  /**
   * Reads the configured files again and issues the dev certificate again if its names changed;
   * what fails keeps its previous certificate and emits {@code cert_failed}.
   */
  public synchronized void reload(EdgeConfig config, String trigger) {
    Set<String> localNames = localNames(config);
    sites.load(config, trigger);
    if (certFile != null) {
      try {
        ServedCertificate fresh = readConfigured();
        lastError = null;
        if (!fresh.fingerprint().equals(configured.fingerprint())) {
          configured = fresh;
          loaded(configured, trigger);
        }
      } catch (IOException e) {
        lastError = e.getMessage();
        events.emit(
            Event.CERT_FAILED,
            "source",
            Source.CONFIGURED.id(),
            "file",
            certFile.toString(),
            "reason",
            e.getMessage(),
            "trigger",
            trigger);
      }
    }
    if (!localNames.equals(devNames)) {
      try {
        loadDev(localNames, trigger);
      } catch (IOException e) {
        events.emit(
            Event.CERT_FAILED,
            "source",
            Source.DEV.id(),
            "reason",
            e.getMessage(),
            "trigger",
            trigger);
      }
    }
    publish();
  }

  /**
   * What the ACME side knows about one managed name, for {@link #describe}.
   *
   * @param nextAttempt when it is next looked at or retried, or null while an order runs
   * @param lastError why the last order failed, or null
   */
  public record Renewal(Instant nextAttempt, String lastError) {}

  /** Serves {@code certificate} for {@code domain} from the next handshake on. */
  public synchronized void acme(String domain, ServedCertificate certificate, String trigger) {
    acme.put(domain, certificate);
    if (trigger != null) {
      loaded(certificate, trigger);
    }
    publish();
  }

  /** Stops serving the ACME certificate for {@code domain}. */
  public synchronized void dropAcme(String domain) {
    if (acme.remove(domain) != null) {
      publish();
    }
  }

  /** Where the ACME side's state comes from for {@link #describe} (managed names, by name). */
  public void renewals(Supplier<Map<String, Renewal>> source) {
    this.renewals = source;
  }

  /** The answers to ACME challenges in progress, read by both listeners. */
  public AcmeChallenges challenges() {
    return challenges;
  }

  /** The key manager every HTTPS handshake asks. */
  public SniKeyManager keys() {
    return keys;
  }

  /** The dev certificate's CA and whether this run created it. */
  public synchronized DevCertificate.Loaded dev() {
    return dev;
  }

  /**
   * The certificate that names {@code host} and is not the dev certificate (configured or ACME), or
   * null: hosts with one are redirected from HTTP to HTTPS.
   */
  public ServedCertificate trusted(String host) {
    if (!anyTrusted) {
      return null; // the usual case without --cert: no lookup per request
    }
    ServedCertificate named = keys.table().named(host);
    return named == null || named.source() == Source.DEV ? null : named;
  }

  /** The certificate a handshake for {@code host} gets now. */
  public ServedCertificate servedFor(String host) {
    return keys.table().find(host);
  }

  /**
   * Every certificate served now, for {@code /diagnostics}: names, source, issuer, serial,
   * fingerprint, notAfter, when the edge will replace it (the dev certificate: 30 days before its
   * end; a configured one: never, the operator does), and the last error loading its source.
   */
  public List<Map<String, Object>> describe() {
    List<Map<String, Object>> rows = new ArrayList<>();
    ServedCertificate fallback = keys.table().fallback();
    Map<String, Renewal> managed = new TreeMap<>(renewals.get());
    for (ServedCertificate certificate : certificates()) {
      Renewal renewal =
          certificate.source() == Source.ACME ? managed.remove(certificate.names().get(0)) : null;
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("names", certificate.names());
      row.put("source", certificate.source().id());
      row.put("default", certificate == fallback);
      row.put("issuer", certificate.issuer());
      row.put("serial", certificate.serial());
      row.put("fingerprint", certificate.fingerprint());
      row.put("notAfter", certificate.notAfter().toString());
      row.put(
          "nextRenewal",
          switch (certificate.source()) {
            case DEV -> certificate.notAfter().minus(DevCertificate.RENEW_BEFORE).toString();
            case ACME -> renewal == null ? null : text(renewal.nextAttempt());
            case CONFIGURED -> null;
          });
      row.put(
          "lastError",
          switch (certificate.source()) {
            case CONFIGURED -> certificate == configured ? lastError : sites.errorFor(certificate);
            case ACME -> renewal == null ? null : renewal.lastError();
            case DEV -> null;
          });
      rows.add(row);
    }
    managed.forEach(
        (domain, renewal) -> {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("names", List.of(domain));
          row.put("source", Source.ACME.id());
          row.put("default", false);
          row.put("issuer", null);
          row.put("serial", null);
          row.put("fingerprint", null);
          row.put("notAfter", null);
          row.put("nextRenewal", text(renewal.nextAttempt()));
          row.put("lastError", renewal.lastError());
          rows.add(row);
        });
    rows.sort((a, b) -> ((String) a.get("source")).compareTo((String) b.get("source")));
    return rows;
  }

  /**
   * The Edgefile's host names the dev certificate covers: {@code .localhost}, {@code .local},
   * {@code .test}.
   */
  public static Set<String> localNames(EdgeConfig config) {
    Set<String> names = new java.util.TreeSet<>();
    for (EdgeConfig.Site site : config.sites().values()) {
      for (String host : site.hosts()) {
        if (host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".test")) {
          names.add(host);
        }
      }
    }
    return names;
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  /** Every certificate served now. */
  public List<ServedCertificate> certificates() {
    return List.copyOf(keys.table().certificates());
  }

  private void publish() {
    List<ServedCertificate> all = new ArrayList<>();
    all.addAll(sites.served());
    if (configured != null) {
      all.add(configured);
    }
    all.addAll(acme.values());
    all.add(dev.served());
    keys.update(CertificateTable.of(all, configured != null ? configured : dev.served()));
    anyTrusted = all.stream().anyMatch(c -> c.source() != Source.DEV);
  }

  private void loadDev(Set<String> localNames, String trigger) throws IOException {
    dev = DevCertificate.load(certDir, localNames);
    devNames = Set.copyOf(localNames);
    loaded(dev.served(), trigger);
  }

  private void loaded(ServedCertificate certificate, String trigger) {
    events.emit(
        Event.CERT_LOADED,
        "source",
        certificate.source().id(),
        "names",
        certificate.names(),
        "serial",
        certificate.serial(),
        "notAfter",
        certificate.notAfter().toString(),
        "trigger",
        trigger);
  }

  private ServedCertificate readConfigured() throws IOException {
    List<X509Certificate> chain = PemFiles.readChain(certFile);
    PrivateKey key = PemFiles.readKey(keyFile);
    if (!matches(chain.get(0), key)) {
      throw new IOException(keyFile + " is not the private key of the certificate in " + certFile);
    }
    return ServedCertificate.of(Source.CONFIGURED, chain, key);
  }

  /** Whether {@code key} signs what {@code certificate}'s public key verifies. */
  public static boolean matches(X509Certificate certificate, PrivateKey key) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          case "Ed25519" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null
        || !key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())) {
      return false;
    }
    try {
      byte[] probe = "edge key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
