package dev.edge.edgefile;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Upstream base URLs of proxy routes and redirect targets. */
final class Urls {

  /** What an upstream looks like, for messages. */
  static final String UPSTREAM =
      "an http or https URL with a host and no path, query or user info, e.g."
          + " http://10.0.0.5:8080";

  /** What a redirect target looks like, for messages. */
  static final String REDIRECT =
      "an http or https URL or a path starting with \"/\", with only the placeholders {path}"
          + " and {query}";

  /** What an ACME directory looks like, for messages. */
  static final String ACME_DIRECTORY =
      "an https:// URL of an ACME directory or an acme:// URI, e.g."
          + " https://acme-v02.api.letsencrypt.org/directory";

  private static final List<String> SCHEMES = List.of("http", "https");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)\\}");

  private Urls() {}

  /** The upstream as {@code scheme://host[:port]} (lower-case scheme and host), or null. */
  static URI upstream(String text) {
    URI uri = parse(text);
    if (uri == null
        || uri.getScheme() == null
        || !SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT))
        || uri.getHost() == null
        || !Hosts.isExact(uri.getHost().toLowerCase(Locale.ROOT))
        || uri.getRawUserInfo() != null
        || !(uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || uri.getPort() == 0
        || uri.getPort() > 65535) {
      return null;
    }
    String base =
        uri.getScheme().toLowerCase(Locale.ROOT)
            + "://"
            + uri.getHost().toLowerCase(Locale.ROOT)
            + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    return URI.create(base);
  }

  /** A fix for an invalid upstream: a misspelt or missing scheme, or a path to drop; or null. */
  static String upstreamHint(String text) {
    String fixed = fixScheme(text);
    if (fixed != null && upstream(fixed) != null) {
      return Suggestions.didYouMean(fixed);
    }
    URI uri = parse(text);
    if (uri != null && uri.getScheme() != null && uri.getRawAuthority() != null) {
      String bare = uri.getScheme() + "://" + uri.getRawAuthority();
      if (!bare.equals(text) && upstream(bare) != null) {
        return Suggestions.didYouMean(bare) + " (the request path and query are sent unchanged)";
      }
    }
    return null;
  }

  /**
   * An ACME directory as written: an {@code https} URL with a host and no user info, or an {@code
   * acme://} URI (acme4j's names for well-known CAs, e.g. {@code acme://letsencrypt.org/staging});
   * null when it is neither.
   */
  static URI acmeDirectory(String text) {
    URI uri = Values.hasControl(text) ? null : parse(text);
    if (uri == null || uri.getScheme() == null || uri.getRawFragment() != null) {
      return null;
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    boolean https =
        scheme.equals("https")
            && uri.getHost() != null
            && uri.getRawUserInfo() == null
            && uri.getPort() != 0
            && uri.getPort() <= 65535;
    boolean acme = scheme.equals("acme") && uri.getRawAuthority() != null;
    return https || acme ? uri : null;
  }

  /** A fix for an invalid ACME directory: {@code https} for {@code http}; or null. */
  static String acmeDirectoryHint(String text) {
    if (text.regionMatches(true, 0, "http://", 0, "http://".length())) {
      String fixed = "https://" + text.substring("http://".length());
      if (acmeDirectory(fixed) != null) {
        return "ACME directories are served over HTTPS: " + Suggestions.didYouMean(fixed);
      }
    }
    return null;
  }

  /** Whether {@code template} is a valid redirect target. */
  static boolean isRedirect(String template) {
    if (template.isEmpty() || Values.hasControl(template) || unknownPlaceholder(template) != null) {
      return false;
    }
    String target = PLACEHOLDER.matcher(template).replaceAll("");
    if (target.indexOf('{') >= 0 || target.indexOf('}') >= 0) {
      return false;
    }
    if (target.startsWith("/")) {
      return !target.startsWith("//") && parse(target) != null;
    }
    URI uri = parse(target);
    return uri != null
        && uri.getScheme() != null
        && SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT))
        && uri.getHost() != null;
  }

  /** A fix for an invalid redirect target, or null. */
  static String redirectHint(String template) {
    String unknown = unknownPlaceholder(template);
    if (unknown != null) {
      return "unknown placeholder \"{" + unknown + "}\"; only {path} and {query} are replaced";
    }
    String fixed = fixScheme(template);
    if (fixed != null && isRedirect(fixed)) {
      return Suggestions.didYouMean(fixed);
    }
    return null;
  }

  private static String unknownPlaceholder(String template) {
    Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      if (!m.group(1).equals("path") && !m.group(1).equals("query")) {
        return m.group(1);
      }
    }
    return null;
  }

  /**
   * {@code text} with a misspelt scheme corrected ({@code htp://x} → {@code http://x}) or {@code
   * http://} added when there is none; null when neither applies.
   */
  private static String fixScheme(String text) {
    int separator = text.indexOf("://");
    if (separator < 0) {
      return text.startsWith("/") || text.isEmpty() ? null : "http://" + text;
    }
    String scheme = text.substring(0, separator);
    String nearest = Suggestions.nearest(scheme, SCHEMES);
    if (nearest == null || nearest.equals(scheme)) {
      return null;
    }
    return nearest + text.substring(separator);
  }

  private static URI parse(String text) {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
