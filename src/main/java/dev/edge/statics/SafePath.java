package dev.edge.statics;

import java.util.List;

/**
 * A request path below a static root after {@link SafePaths#parse}: decoded, normalized, and known
 * not to climb above the root.
 *
 * @param segments the names from the root down, none empty, {@code "."} or {@code ".."}, none
 *     containing {@code /}, {@code \} or a control character
 * @param trailingSlash whether the path ends with {@code /} (it names a directory's index), which
 *     is also true after a final {@code .} or {@code ..} segment
 */
record SafePath(List<String> segments, boolean trailingSlash) {

  SafePath {
    segments = List.copyOf(segments);
  }

  /**
   * Whether the last segment has a file extension: a dot after its first character ({@code app.js},
   * {@code john.doe}; not {@code about}, not {@code .env}). A path with a trailing slash has none.
   */
  boolean lastSegmentHasExtension() {
    if (trailingSlash || segments.isEmpty()) {
      return false;
    }
    String last = segments.get(segments.size() - 1);
    return last.lastIndexOf('.') > 0;
  }
}
