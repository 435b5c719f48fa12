package dev.edge.edgefile;

/**
 * A route's path: exact ({@code /health}) or a prefix ({@code /api/*}, stored as {@code /api}; the
 * prefix {@code /*} is stored as the empty string and matches every path). A prefix matches the
 * prefix itself and anything below it ({@code /api}, {@code /api/}, {@code /api/x}), never a longer
 * name ({@code /apix}).
 *
 * @param path the exact path, or the prefix without its trailing {@code /*}
 * @param prefix whether this is a prefix pattern
 */
public record PathPattern(String path, boolean prefix) {

  /** Whether {@code requestPath} (decoded, no query) matches. */
  public boolean matches(String requestPath) {
    if (!prefix) {
      return requestPath.equals(path);
    }
    if (!requestPath.startsWith(path)) {
      return false;
    }
    return requestPath.length() == path.length() || requestPath.charAt(path.length()) == '/';
  }

  /** The pattern as written in the Edgefile. */
  @Override
  public String toString() {
    return prefix ? path + "/*" : path;
  }
}
