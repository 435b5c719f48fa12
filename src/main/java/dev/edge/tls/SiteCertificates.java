package dev.edge.tls;

import dev.edge.edgefile.EdgeConfig;
import dev.edge.observe.EdgeEvents;
import dev.edge.observe.EdgeEvents.Event;
import dev.edge.tls.ServedCertificate.Source;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Edgefile's per-site certificates ({@code tls: {cert, key}}), each served for its site's hosts
 * (exact names and {@code *.} wildcards) with the priority of a configured certificate. Read again
 * on every config reload; a file that cannot be read keeps the site's previous certificate and
 * emits {@code cert_failed}. Not thread-safe: {@link TlsCertificates} calls it under its lock.
 */
final class SiteCertificates {

  private record Files(Path cert, Path key) {}

  private record Loaded(Files files, String fingerprint, ServedCertificate served) {}

  private final EdgeEvents events;
  private Map<String, Loaded> sites = Map.of();
  private final Map<String, String> errors = new LinkedHashMap<>();

  SiteCertificates(EdgeEvents events) {
    this.events = events;
  }

  /** Reads the certificates {@code config} names; true when what is served changed. */
  boolean load(EdgeConfig config, String trigger) {
    Map<String, Loaded> next = new LinkedHashMap<>();
    boolean changed = false;
    errors.clear();
    for (EdgeConfig.Site site : config.sites().values()) {
      if (site.tls().cert() == null) {
        continue;
      }
      Files files = new Files(site.tls().cert(), site.tls().key());
      Loaded previous = sites.get(site.name());
      List<String> names = site.hosts().stream().filter(h -> !h.equals("*")).toList();
      try {
        List<X509Certificate> chain = PemFiles.readChain(files.cert());
        PrivateKey key = PemFiles.readKey(files.key());
        if (!TlsCertificates.matches(chain.get(0), key)) {
          throw new IOException(files.key() + " is not the private key of " + files.cert());
        }
        String fingerprint = ServedCertificate.fingerprint(chain.get(0));
        if (previous != null
            && previous.fingerprint().equals(fingerprint)
            && previous.served().names().equals(names)) {
          next.put(site.name(), previous);
          continue;
        }
        ServedCertificate served =
            new ServedCertificate(
                ServedCertificate.nextAlias(), Source.CONFIGURED, names, chain, key);
        next.put(site.name(), new Loaded(files, fingerprint, served));
        changed = true;
        events.emit(
            Event.CERT_LOADED,
            "source",
            Source.CONFIGURED.id(),
            "site",
            site.name(),
            "names",
            names,
            "serial",
            served.serial(),
            "notAfter",
            served.notAfter().toString(),
            "trigger",
            trigger);
      } catch (IOException | RuntimeException e) {
        errors.put(site.name(), e.getMessage());
        events.emit(
            Event.CERT_FAILED,
            "source",
            Source.CONFIGURED.id(),
            "site",
            site.name(),
            "file",
            files.cert().toString(),
            "reason",
            e.getMessage(),
            "trigger",
            trigger);
        if (previous != null) {
          next.put(site.name(), previous);
        }
      }
    }
    changed |= !next.keySet().equals(sites.keySet());
    sites = next;
    return changed;
  }

  /** The certificates served now. */
  List<ServedCertificate> served() {
    List<ServedCertificate> served = new ArrayList<>();
    sites.values().forEach(loaded -> served.add(loaded.served()));
    return served;
  }

  /** The last error reading the files behind {@code certificate}, or null. */
  String errorFor(ServedCertificate certificate) {
    for (Map.Entry<String, Loaded> site : sites.entrySet()) {
      if (site.getValue().served() == certificate) {
        return errors.get(site.getKey());
      }
    }
    return null;
  }
}
