package dev.edge.guard;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * What a {@code Host} header and an absolute-form request target may be: a DNS-style name (letters,
 * digits, {@code -}, {@code _}, dot-separated labels of 1-63, an optional trailing dot), an IPv4
 * address, or a bracketed IPv6 literal, then an optional {@code :port} (1-65535 as 1-5 digits).
 * Works on the String without allocating, except for the rewritten target.
 */
final class HostRules {

  private static final int MAX_NAME = 254;
  private static final int MAX_LABEL = 63;

  private HostRules() {}

  /**
   * Why the Host of a request is unacceptable, or null: more than one, none on HTTP/1.1, an invalid
   * value, or an absolute-form target whose authority is malformed or differs from it.
   */
  static String problem(HttpHeaders headers, HttpVersion version, String uri) {
    List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
    if (hosts.size() > 1) {
      return "more than one Host header";
    }
    String host = hosts.isEmpty() ? null : hosts.get(0);
    if (host == null && HttpVersion.HTTP_1_1.equals(version)) {
      return "missing Host header";
    }
    String invalid = host == null ? null : invalid(host);
    if (invalid != null) {
      return invalid;
    }
    int scheme = uri.isEmpty() || uri.charAt(0) == '/' ? 0 : schemeLength(uri);
    if (scheme > 0) {
      String authority = uri.substring(scheme, authorityEnd(uri, scheme));
      if (authority.indexOf('@') >= 0 || invalid(authority) != null) {
        return "malformed authority in an absolute-form target";
      }
      if (host != null && !agrees(authority, host, scheme == 8)) {
        return "absolute-form target authority differs from Host";
      }
    }
    return null;
  }

  /** Why {@code host} is not a valid {@code Host} value, or null if it is. */
  static String invalid(String host) {
    int n = host.length();
    if (n == 0) {
      return "empty Host";
    }
    int i;
    if (host.charAt(0) == '[') {
      int close = host.indexOf(']');
      if (close < 2) {
        return "malformed IPv6 literal in Host";
      }
      for (int j = 1; j < close; j++) {
        char c = host.charAt(j);
        if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
          return "malformed IPv6 literal in Host";
        }
      }
      i = close + 1;
    } else {
      String name = name(host);
      if (name != null) {
        return name;
      }
      i = host.indexOf(':');
      i = i < 0 ? n : i;
    }
    if (i == n) {
      return null;
    }
    return host.charAt(i) == ':' ? port(host, i + 1) : "invalid character in Host";
  }

  private static String name(String host) {
    int label = 0;
    int i = 0;
    for (; i < host.length() && host.charAt(i) != ':'; i++) {
      char c = host.charAt(i);
      if (c == '.') {
        if (label == 0) {
          return "empty label in Host";
        }
        label = 0;
      } else if (c == ',') {
        return "Host with a comma (several hosts)";
      } else if (isNameChar(c)) {
        if (++label > MAX_LABEL) {
          return "label longer than 63 characters in Host";
        }
      } else {
        return "invalid character in Host";
      }
    }
    if (i == 0) {
      return "empty host name in Host";
    }
    return i > MAX_NAME ? "host name too long in Host" : null;
  }

  private static String port(String host, int from) {
    int digits = host.length() - from;
    if (digits < 1 || digits > 5) {
      return "invalid port in Host";
    }
    int port = 0;
    for (int i = from; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c < '0' || c > '9') {
        return "invalid port in Host";
      }
      port = port * 10 + (c - '0');
    }
    return port < 1 || port > 65535 ? "invalid port in Host" : null;
  }

  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }

  /** Length of the scheme prefix of an {@code http://} or {@code https://} target, else 0. */
  static int schemeLength(String uri) {
    if (uri.regionMatches(true, 0, "http://", 0, 7)) {
      return 7;
    }
    return uri.regionMatches(true, 0, "https://", 0, 8) ? 8 : 0;
  }

  /** Where the authority of an absolute-form target (from {@link #schemeLength}) ends. */
  static int authorityEnd(String uri, int start) {
    int end = start;
    while (end < uri.length()) {
      char c = uri.charAt(end);
      if (c == '/' || c == '?' || c == '#') {
        break;
      }
      end++;
    }
    return end;
  }

  /**
   * Whether the authority of an absolute-form target names the same host and port as {@code Host}
   * (case-insensitive; a scheme's default port may be written or not on either side).
   */
  static boolean agrees(String authority, String host, boolean https) {
    if (host == null || authority.indexOf('@') >= 0) {
      return false;
    }
    if (authority.equalsIgnoreCase(host)) {
      return true;
    }
    String port = https ? ":443" : ":80";
    return withoutPort(authority, port).equalsIgnoreCase(withoutPort(host, port));
  }

  /**
   * The origin form ({@code /path?query}) of an absolute-form {@code uri} whose authority agrees
   * with {@code host}; null if {@code uri} is not absolute-form or does not agree.
   */
  static String originFormIfAgrees(String uri, String host) {
    int start = schemeLength(uri);
    if (start == 0 || host == null) {
      return null;
    }
    int end = authorityEnd(uri, start);
    if (!agrees(uri.substring(start, end), host, start == 8)) {
      return null;
    }
    if (end == uri.length()) {
      return "/";
    }
    return uri.charAt(end) == '/' ? uri.substring(end) : "/" + uri.substring(end);
  }

  private static String withoutPort(String hostPort, String port) {
    return hostPort.endsWith(port)
        ? hostPort.substring(0, hostPort.length() - port.length())
        : hostPort;
  }
}
