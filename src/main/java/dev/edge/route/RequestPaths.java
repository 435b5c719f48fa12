package dev.edge.route;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** The path part of a request target, and its percent-decoded form that routes are matched on. */
public final class RequestPaths {

  private RequestPaths() {}

  /** The path of {@code uri} without its query. */
  public static String pathOf(String uri) {
    int query = uri.indexOf('?');
    return query < 0 ? uri : uri.substring(0, query);
  }

  /** The query of {@code uri} with its leading {@code ?}, or the empty string. */
  public static String queryOf(String uri) {
    int query = uri.indexOf('?');
    return query < 0 ? "" : uri.substring(query);
  }

  /**
   * {@code path} percent-decoded once as UTF-8 ({@code +} stays a plus); the same string when it
   * has no {@code %}.
   *
   * @throws EdgeException {@code 400 bad_path} for a malformed escape or a decoded NUL
   */
  public static String decode(String path) {
    if (path.indexOf('%') < 0) {
      return path;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(path.length());
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c != '%') {
        byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(encoded, 0, encoded.length);
        continue;
      }
      int high = i + 2 < path.length() ? Character.digit(path.charAt(i + 1), 16) : -1;
      int low = high >= 0 ? Character.digit(path.charAt(i + 2), 16) : -1;
      if (low < 0) {
        throw new EdgeException(Reason.BAD_PATH, "malformed percent-encoding in the path");
      }
      int value = high * 16 + low;
      if (value == 0) {
        throw new EdgeException(Reason.BAD_PATH, "NUL in the path");
      }
      bytes.write(value);
      i += 2;
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
