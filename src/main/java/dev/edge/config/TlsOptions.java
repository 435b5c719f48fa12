package dev.edge.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the HTTPS options into {@link Https} and the {@code --acme*} options into {@link Acme};
 * each bad value names its option.
 */
final class TlsOptions {

  /** One DNS label: letters, digits and inner hyphens, 1-63 characters. */
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

  private final OptionsParser parser;
  private final Function<String, String> source;

  TlsOptions(OptionsParser parser, Function<String, String> source) {
    this.parser = parser;
    this.source = source;
  }

  Https https() {
    String cert = source.apply("cert");
    String key = source.apply("key");
    if ((cert == null) != (key == null)) {
      throw new OptionException(
          cert == null
              ? "--key: given without --cert (expected: both, or neither)"
              : "--cert: given without --key (expected: both, or neither)");
    }
    String defaultCertDir =
        Path.of(System.getProperty("user.home"), ".local", "share", "edge", "certs").toString();
    return new Https(
        !OptionsParser.bool(source, "no-https", false),
        parser.integer("https-port", 8443, 0, 65535),
        cert == null ? null : OptionsParser.readableFile("cert", cert),
        key == null ? null : OptionsParser.readableFile("key", key),
        Path.of(parser.raw("cert-dir", defaultCertDir)).toAbsolutePath(),
        !OptionsParser.bool(source, "no-redirect-http", false),
        acme());
  }

  /** Rejects option combinations that leave nothing to listen on or ACME with nowhere to work. */
  static void listeners(EdgeOptions options) {
    Https https = options.https();
    if (!options.httpEnabled() && !https.enabled()) {
      throw new OptionException(
          "--no-http: given with --no-https (expected: at least one listener on)");
    }
    Acme acme = https.acme();
    if (acme.enabled() && !https.enabled()) {
      throw new OptionException(
          "--acme: given with --no-https (expected: HTTPS on, to serve the certificates)");
    }
    if (!acme.enabled() && !acme.domains().isEmpty()) {
      throw new OptionException(
          "--acme-domain: given without --acme (expected: --acme --acme-domain="
              + String.join(",", acme.domains())
              + ")");
    }
    if (!options.httpEnabled() && acme.challenges().equals(List.of(Acme.HTTP_01))) {
      throw new OptionException(
          "--acme-challenges: http-01 only, with --no-http (expected: tls-alpn-01 too, which"
              + " the HTTPS listener answers)");
    }
  }

  private Acme acme() {
    String staging = source.apply("acme-staging");
    boolean stagingOn = OptionsParser.bool(source, "acme-staging", false);
    boolean enabled = OptionsParser.bool(source, "acme", false) || stagingOn;
    String trust = source.apply("acme-trust");
    return new Acme(
        enabled,
        domains(),
        email(),
        directory(),
        staging == null ? null : stagingOn,
        trust == null ? null : OptionsParser.readableFile("acme-trust", trust),
        challenges());
  }

  private List<String> domains() {
    String value = source.apply("acme-domain");
    if (value == null || value.isBlank()) {
      return List.of();
    }
    Set<String> names = new LinkedHashSet<>();
    for (String part : value.split(",")) {
      String name = part.trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      if (!isDnsName(name)) {
        throw OptionsParser.invalid(
            "acme-domain",
            part.trim(),
            name.startsWith("*.")
                ? "a name without a wildcard (wildcard certificates need DNS-01, which the edge"
                    + " does not do)"
                : OptionsParser.expected("acme-domain"));
      }
      names.add(name);
    }
    return new ArrayList<>(names);
  }

  /**
   * Whether {@code name} (lower case) is a DNS name a public CA can issue for: at least two labels
   * of letters, digits and inner hyphens, at most 253 characters, not an IP address.
   */
  static boolean isDnsName(String name) {
    if (name.length() > 253 || name.endsWith(".")) {
      return false;
    }
    String[] labels = name.split("\\.", -1);
    if (labels.length < 2 || labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
      return false;
    }
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  private String email() {
    String value = source.apply("acme-email");
    if (value == null || value.isBlank()) {
      return null;
    }
    if (!EMAIL.matcher(value.trim()).matches()) {
      throw OptionsParser.invalid("acme-email", value, OptionsParser.expected("acme-email"));
    }
    return value.trim();
  }

  private URI directory() {
    String value = source.apply("acme-directory");
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      URI uri = new URI(value.trim());
      String scheme = uri.getScheme();
      if (("https".equals(scheme) || "acme".equals(scheme)) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw OptionsParser.invalid("acme-directory", value, OptionsParser.expected("acme-directory"));
  }

  private List<String> challenges() {
    String value = source.apply("acme-challenges");
    if (value == null || value.isBlank()) {
      return List.of(Acme.HTTP_01, Acme.TLS_ALPN_01);
    }
    Set<String> types = new LinkedHashSet<>();
    for (String part : value.split(",")) {
      String type = part.trim().toLowerCase(Locale.ROOT);
      if (!type.equals(Acme.HTTP_01) && !type.equals(Acme.TLS_ALPN_01)) {
        throw OptionsParser.invalid(
            "acme-challenges", value, OptionsParser.expected("acme-challenges"));
      }
      types.add(type);
    }
    return new ArrayList<>(types);
  }
}
