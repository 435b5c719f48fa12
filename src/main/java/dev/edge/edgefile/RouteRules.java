package dev.edge.edgefile;

/** Rules for the path-like values of routes and apps: path patterns, file names, probe paths. */
final class RouteRules {

  /** What a route path looks like, for messages. */
  static final String PATH =
      "a path starting with \"/\": \"/exact\", \"/prefix/*\" or \"/*\"; no ?, #, %, spaces,"
          + " \"//\" or \"..\"";

  /** What an index or SPA file name looks like, for messages. */
  static final String FILE_NAME =
      "a file name relative to the directory, e.g. index.html (no \"..\", no leading \"/\")";

  private RouteRules() {}

  /** The pattern {@code text} stands for, or null when it is not a valid route path. */
  static PathPattern pattern(String text) {
    if (!text.startsWith("/") || text.contains("//") || !plainPath(text)) {
      return null;
    }
    int star = text.indexOf('*');
    if (star < 0) {
      return new PathPattern(text, false);
    }
    if (star != text.length() - 1 || !text.endsWith("/*")) {
      return null;
    }
    return new PathPattern(text.substring(0, text.length() - 2), true);
  }

  /** A fix for an invalid route path, or null. */
  static String pathHint(String text) {
    if (!text.startsWith("/") && pattern("/" + text) != null) {
      return Suggestions.didYouMean("/" + text);
    }
    if (text.endsWith("*") && !text.endsWith("/*")) {
      String prefix = text.substring(0, text.length() - 1) + "/*";
      if (pattern(prefix) != null) {
        return "a prefix ends with \"/*\": " + Suggestions.didYouMean(prefix);
      }
    }
    if (text.contains("?")) {
      return "routes match the path only, never the query";
    }
    if (text.contains("%")) {
      return "routes match the decoded path: write the character itself";
    }
    return null;
  }

  /** Whether {@code text} is a plain relative file name for {@code index} or {@code spa}. */
  static boolean isFileName(String text) {
    if (text.isEmpty()
        || text.startsWith("/")
        || text.endsWith("/")
        || text.contains("\\")
        || text.contains("//")
        || Values.hasControl(text)) {
      return false;
    }
    for (String segment : text.split("/")) {
      if (segment.equals("..") || segment.equals(".")) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code text} is a probe path: starts with "/", no query, spaces or controls. */
  static boolean isHealthPath(String text) {
    return text.startsWith("/")
        && !text.contains("?")
        && !text.contains("#")
        && !text.contains(" ")
        && !Values.hasControl(text);
  }

  private static boolean plainPath(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '?' || c == '#' || c == '%' || Character.isWhitespace(c) || c < 0x20 || c == 0x7f) {
        return false;
      }
    }
    for (String segment : text.split("/")) {
      if (segment.equals("..")) {
        return false;
      }
    }
    return true;
  }
}
