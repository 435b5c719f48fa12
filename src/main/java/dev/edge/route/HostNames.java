package dev.edge.route;

import java.util.Locale;

/** The host a request is for, as the route table compares it. */
public final class HostNames {

  private HostNames() {}

  /**
   * The {@code Host} header without its port, lower-cased, without a trailing dot; {@code [::1]}
   * stays bracketed. Null or blank gives the empty string, which only the catch-all host matches.
   */
  public static String normalize(String hostHeader) {
    if (hostHeader == null || hostHeader.isEmpty()) {
      return "";
    }
    String host = hostHeader.trim();
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      host = close < 0 ? host : host.substring(0, close + 1);
    } else {
      int colon = host.indexOf(':');
      host = colon < 0 ? host : host.substring(0, colon);
    }
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    return host.toLowerCase(Locale.ROOT);
  }

  /**
   * The suffix a wildcard pattern of {@code host} would have: {@code a.example.com} → {@code
   * example.com}; null for a name with a single label or an IP literal.
   */
  static String parentOf(String host) {
    int dot = host.indexOf('.');
    if (dot <= 0 || dot == host.length() - 1 || host.startsWith("[")) {
      return null;
    }
    return host.substring(dot + 1);
  }
}
