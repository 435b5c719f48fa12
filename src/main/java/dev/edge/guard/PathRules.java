package dev.edge.guard;

/**
 * What a request path may be: valid percent-encoding ({@code %} and two hex digits), no NUL at any
 * decoding depth, and no climbing above the root by {@code ..} segments, checked on the raw path
 * and on each successive percent-decoding ({@code %2e%2e}, {@code %252e%252e} and deeper), with
 * {@code /} and {@code \} both counted as separators and a segment's {@code ;parameters} ignored
 * ({@code ..;}). A {@code ..} inside a name ({@code /a..b}) is fine. A path without {@code %} is
 * checked in one pass without allocating.
 */
final class PathRules {

  /** Decodings tried after the first; a path still changing after that is refused. */
  static final int MAX_DECODES = 4;

  private PathRules() {}

  /** Why {@code path} (raw, without the query) is refused, or null if it is fine. */
  static String invalid(String path) {
    String current = path;
    for (int level = 0; level <= MAX_DECODES; level++) {
      if (climbs(current)) {
        return "path climbs above the root";
      }
      if (current.indexOf('%') < 0) {
        return null;
      }
      StringBuilder decoded = new StringBuilder(current.length());
      String problem = decode(current, level == 0, decoded);
      if (problem != null) {
        return problem;
      }
      if (decoded.length() == current.length()) {
        return null;
      }
      current = decoded.toString();
    }
    return "path percent-encoded too many times";
  }

  /**
   * Decodes each {@code %XX} of {@code in} to the char XX (bytes, not UTF-8: only dots, slashes and
   * NUL matter here). A malformed escape is an error when {@code strict} (the raw path), else kept
   * as it is (a literal {@code %} encoded as {@code %25}).
   */
  private static String decode(String in, boolean strict, StringBuilder out) {
    for (int i = 0; i < in.length(); i++) {
      char c = in.charAt(i);
      int high = c == '%' && i + 2 < in.length() ? Character.digit(in.charAt(i + 1), 16) : -1;
      int low = high >= 0 ? Character.digit(in.charAt(i + 2), 16) : -1;
      if (c != '%' || low < 0) {
        if (c == '%' && strict) {
          return "malformed percent-encoding in the path";
        }
        out.append(c);
        continue;
      }
      int value = high * 16 + low;
      if (value == 0) {
        return "NUL in the path";
      }
      out.append((char) value);
      i += 2;
    }
    return null;
  }

  /** Whether the {@code ..} segments of {@code path} go above its root. */
  static boolean climbs(String path) {
    int depth = 0;
    int n = path.length();
    int i = 0;
    while (i <= n) {
      int end = i;
      int name = -1;
      while (end < n && path.charAt(end) != '/' && path.charAt(end) != '\\') {
        if (name < 0 && path.charAt(end) == ';') {
          name = end;
        }
        end++;
      }
      int length = (name < 0 ? end : name) - i;
      if (length == 2 && path.charAt(i) == '.' && path.charAt(i + 1) == '.') {
        if (--depth < 0) {
          return true;
        }
      } else if (length > 0 && !(length == 1 && path.charAt(i) == '.')) {
        depth++;
      }
      i = end + 1;
    }
    return false;
  }
}
