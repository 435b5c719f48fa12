package dev.edge.proxy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Copies headers across the hop without the connection-specific ones (RFC 9110 §7.6.1): the fixed
 * set below plus every header named in {@code Connection}. Used both ways, request and response.
 */
public final class HopByHopHeaders {

  /** Headers that describe one connection and never cross a proxy. */
  static final Set<AsciiString> FIXED =
      Set.of(
          HttpHeaderNames.CONNECTION,
          HttpHeaderNames.KEEP_ALIVE,
          HttpHeaderNames.PROXY_AUTHENTICATE,
          HttpHeaderNames.PROXY_AUTHORIZATION,
          HttpHeaderNames.PROXY_CONNECTION,
          HttpHeaderNames.TE,
          HttpHeaderNames.TRAILER,
          AsciiString.cached("trailers"),
          HttpHeaderNames.TRANSFER_ENCODING,
          HttpHeaderNames.UPGRADE);

  private HopByHopHeaders() {}

  /** A copy of {@code source} without hop-by-hop headers. */
  public static HttpHeaders copyEndToEnd(HttpHeaders source) {
    HttpHeaders target = new DefaultHttpHeaders(false);
    copyEndToEnd(source, target);
    return target;
  }

  /** Adds every end-to-end header of {@code source} to {@code target}. */
  public static void copyEndToEnd(HttpHeaders source, HttpHeaders target) {
    List<String> connection =
        source.contains(HttpHeaderNames.CONNECTION)
            ? source.getAll(HttpHeaderNames.CONNECTION)
            : List.of();
    Iterator<Map.Entry<CharSequence, CharSequence>> entries = source.iteratorCharSequence();
    while (entries.hasNext()) {
      Map.Entry<CharSequence, CharSequence> header = entries.next();
      CharSequence name = header.getKey();
      if (isHopByHop(name) || namedInAny(connection, name)) {
        continue;
      }
      target.add(name, header.getValue());
    }
  }

  /** Whether {@code name} is in {@link #FIXED}; checks the length first, it runs per header. */
  static boolean isHopByHop(CharSequence name) {
    switch (name.length()) {
      case 2:
      case 7:
      case 8:
      case 10:
      case 16:
      case 17:
      case 18:
      case 19:
        for (AsciiString fixed : FIXED) {
          if (fixed.length() == name.length() && fixed.contentEqualsIgnoreCase(name)) {
            return true;
          }
        }
        return false;
      default:
        return false;
    }
  }

  private static boolean namedInAny(List<String> connection, CharSequence name) {
    if (connection.isEmpty()) {
      return false;
    }
    for (int i = 0, n = connection.size(); i < n; i++) {
      if (namedIn(connection.get(i), name)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code name} is one of the comma-separated tokens of a {@code Connection} value. */
  static boolean namedIn(String connection, CharSequence name) {
    int start = 0;
    int length = connection.length();
    while (start < length) {
      int end = connection.indexOf(',', start);
      if (end < 0) {
        end = length;
      }
      String token = connection.substring(start, end).trim();
      if (AsciiString.contentEqualsIgnoreCase(token, name)) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }
}
