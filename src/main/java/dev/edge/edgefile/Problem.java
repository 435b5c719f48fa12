package dev.edge.edgefile;

/**
 * One thing wrong with an Edgefile. Printed as {@code FILE:LINE:COLUMN: FIELD: MESSAGE} and, when
 * there is one, {@code — HINT}, e.g. {@code Edgefile:12:14: sites.api.routes[2].proxy: value
 * "htp://x" (expected: an http or https URL) — did you mean "http://x"?}.
 *
 * @param line 1-based line
 * @param column 1-based column
 * @param field the field path, e.g. {@code sites.api.routes[2].proxy}
 * @param message what is wrong: {@code value "x" (expected: ...)}, {@code unknown key "x"}, or a
 *     conflict described in words
 * @param hint how to fix it, or null
 */
public record Problem(int line, int column, String field, String message, String hint) {

  /** The problem as one line, prefixed with {@code source} (the file name as the user gave it). */
  public String format(String source) {
    String text = source + ":" + line + ":" + column + ": " + field + ": " + message;
    return hint == null ? text : text + " \u2014 " + hint;
  }
}
