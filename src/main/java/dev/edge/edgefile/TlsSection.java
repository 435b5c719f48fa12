package dev.edge.edgefile;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The {@code tls:} sections: a site's ({@code acme}, {@code cert}, {@code key}, {@code
 * redirectHttp}) and the edge-wide one ({@code email}, {@code directory}, {@code staging}, {@code
 * trust}). Unlike app jars and static directories, the files named here must exist when the file is
 * read: a certificate that cannot be served is a configuration error, not a deployment step.
 */
final class TlsSection {

  /** The keys of a site's {@code tls:}. */
  static final List<String> SITE_KEYS = List.of("acme", "cert", "key", "redirectHttp");

  /** The keys of the top-level {@code tls:}. */
  static final List<String> EDGE_KEYS = List.of("email", "directory", "staging", "trust");

  private static final String SITE_EXPECTED =
      "a mapping with acme, or cert and key, and redirectHttp, e.g. {acme: true}";
  private static final String EDGE_EXPECTED =
      "a mapping of ACME settings: email, directory, staging, trust";
  private static final String CERT_EXPECTED =
      "a readable PEM certificate file, relative to the Edgefile's directory";
  private static final String KEY_EXPECTED =
      "a readable PEM private key file, relative to the Edgefile's directory";
  private static final String TRUST_EXPECTED =
      "a readable file of the CA certificates to trust for the ACME directory, relative to the"
          + " Edgefile's directory";
  private static final String EMAIL_EXPECTED =
      "an email address without spaces, e.g. admin@example.com";
  private static final Pattern EMAIL = Pattern.compile("[^\\s@]+@([^\\s@.]+\\.)+[^\\s@.]+");

  /** The URI scheme the edge adds itself: {@code email} is the bare address. */
  private static final String MAILTO = "mailto:";

  private static final String OWN_CERTIFICATE =
      "serve a certificate of your own for this site with cert and key instead";

  private final Problems problems;
  private final Path baseDir;

  private TlsSection(Problems problems, Path baseDir) {
    this.problems = problems;
    this.baseDir = baseDir;
  }

  /**
   * Reads a site's {@code tls:} at {@code field} ({@code sites.web.tls}). {@code hosts} are the
   * site's valid hosts, or null when they have problems of their own (then the hosts are not
   * checked against {@code acme: true}). Returns null when there are problems.
   */
  static SiteTls site(
      Node node, String field, List<String> hosts, Path baseDir, Problems problems) {
    Fields fields = Fields.read(node, field, SITE_KEYS, SITE_EXPECTED, problems);
    if (fields == null) {
      return null;
    }
    int before = problems.count();
    TlsSection section = new TlsSection(problems, baseDir);
    boolean acme = section.flag(fields, "acme", false);
    boolean redirectHttp = section.flag(fields, "redirectHttp", true);
    Path cert = section.file(fields, "cert", CERT_EXPECTED);
    Path key = section.file(fields, "key", KEY_EXPECTED);
    if (acme) {
      section.ownCertificateWithAcme(fields);
      if (hosts != null) {
        hosts.forEach(host -> section.acmeHost(fields, host));
      }
    } else {
      section.pair(fields, "cert", "key", "its private key, e.g. key: certs/example.com.key");
      section.pair(fields, "key", "cert", "its certificate, e.g. cert: certs/example.com.pem");
    }
    return problems.count() > before ? null : new SiteTls(acme, cert, key, redirectHttp);
  }

  /** Reads the top-level {@code tls:}; null when there are problems. */
  static EdgeTls edge(Node node, Path baseDir, Problems problems) {
    Fields fields = Fields.read(node, "tls", EDGE_KEYS, EDGE_EXPECTED, problems);
    if (fields == null) {
      return null;
    }
    int before = problems.count();
    TlsSection section = new TlsSection(problems, baseDir);
    String email = section.email(fields);
    URI directory = section.directory(fields);
    Boolean staging =
        fields.has("staging")
            ? Values.bool(fields.get("staging"), fields.field("staging"), problems)
            : null;
    Path trust = section.file(fields, "trust", TRUST_EXPECTED);
    return problems.count() > before ? null : new EdgeTls(email, directory, staging, trust);
  }

  private boolean flag(Fields fields, String name, boolean absent) {
    if (!fields.has(name)) {
      return absent;
    }
    Boolean value = Values.bool(fields.get(name), fields.field(name), problems);
    return value == null ? absent : value;
  }

  /**
   * The absolute path of an existing, readable regular file, or null (absent, or reported with the
   * resolved path in the hint).
   */
  private Path file(Fields fields, String name, String expected) {
    Node node = fields.get(name);
    if (node == null) {
      return null;
    }
    String field = fields.field(name);
    String text = Values.string(node, field, expected, problems);
    String resolved = text == null ? null : Values.resolve(text, baseDir);
    if (resolved == null) {
      if (text != null) {
        problems.value(node, field, expected);
      }
      return null;
    }
    Path path = Path.of(resolved);
    String why;
    if (!Files.exists(path)) {
      why = "there is no file at " + path;
    } else if (!Files.isRegularFile(path)) {
      why = path + " is not a regular file";
    } else if (!Files.isReadable(path)) {
      why = path + " is not readable by the edge";
    } else {
      return path;
    }
    problems.value(node, field, expected, why);
    return null;
  }

  /** Reports {@code name} set without {@code other}. */
  private void pair(Fields fields, String name, String other, String example) {
    if (fields.has(name) && !fields.has(other)) {
      problems.add(
          fields.key(name), fields.field(other), "missing", "\"" + name + "\" needs " + example);
    }
  }

  /**
   * Reports {@code cert} or {@code key} next to {@code acme: true}, once (at {@code cert} when it
   * is set): a site has one certificate source.
   */
  private void ownCertificateWithAcme(Fields fields) {
    for (String name : List.of("cert", "key")) {
      if (fields.has(name)) {
        problems.add(
            fields.key(name),
            fields.field(name),
            "two certificate sources: \"acme: true\" (line "
                + YamlTree.line(fields.key("acme"))
                + ") and \""
                + name
                + "\"",
            "keep one: acme: true obtains the site's certificates from the ACME CA; cert and key"
                + " serve your own");
        return;
      }
    }
  }

  /** Reports a host of an {@code acme: true} site that an ACME CA cannot issue for. */
  private void acmeHost(Fields fields, String host) {
    Node at = fields.get("acme");
    String field = fields.field("acme");
    if (host.startsWith("*")) {
      problems.add(
          at,
          field,
          "host \""
              + host
              + "\" is a wildcard: wildcard certificates need the DNS-01 challenge, which the"
              + " edge does not do",
          "list the exact names, or " + OWN_CERTIFICATE);
      return;
    }
    String why = Hosts.notAcmeName(host);
    if (why != null) {
      problems.add(
          at,
          field,
          "host \"" + host + "\" cannot get an ACME certificate: " + why,
          "ACME CAs issue certificates for public DNS names only; " + OWN_CERTIFICATE);
    }
  }

  private String email(Fields fields) {
    Node node = fields.get("email");
    if (node == null) {
      return null;
    }
    String field = fields.field("email");
    String text = Values.string(node, field, EMAIL_EXPECTED, problems);
    if (text == null) {
      return null;
    }
    boolean mailto = text.regionMatches(true, 0, MAILTO, 0, MAILTO.length());
    if (mailto || Values.hasControl(text) || !EMAIL.matcher(text).matches()) {
      String bare = mailto ? text.substring(MAILTO.length()) : null;
      String hint =
          bare != null && EMAIL.matcher(bare).matches() ? Suggestions.didYouMean(bare) : null;
      problems.value(node, field, EMAIL_EXPECTED, hint);
      return null;
    }
    return text;
  }

  private URI directory(Fields fields) {
    Node node = fields.get("directory");
    if (node == null) {
      return null;
    }
    String field = fields.field("directory");
    String text = Values.string(node, field, Urls.ACME_DIRECTORY, problems);
    URI uri = text == null ? null : Urls.acmeDirectory(text);
    if (uri == null && text != null) {
      problems.value(node, field, Urls.ACME_DIRECTORY, Urls.acmeDirectoryHint(text));
    }
    return uri;
  }
}
