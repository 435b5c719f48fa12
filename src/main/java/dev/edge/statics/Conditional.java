package dev.edge.statics;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Date;
import java.util.List;

/**
 * The preconditions of a GET or HEAD for a static file (RFC 9110 section 13), evaluated in the
 * RFC's order: {@code If-None-Match}, else {@code If-Modified-Since}, then {@code If-Range} for a
 * {@code Range}. {@code If-Match} and {@code If-Unmodified-Since} are not evaluated: they guard
 * writes, and a static route has none.
 */
final class Conditional {

  private Conditional() {}

  /**
   * Whether the answer is {@code 304 Not Modified}: {@code If-None-Match} lists the file's tag
   * (weak comparison) or is {@code *}; or, only when there is no {@code If-None-Match}, {@code
   * If-Modified-Since} is a valid date, not in the future, at or after the file's modification
   * time.
   */
  static boolean notModified(HttpHeaders request, StaticFile file, long nowMillis) {
    List<String> noneMatch = request.getAll(HttpHeaderNames.IF_NONE_MATCH);
    if (!noneMatch.isEmpty()) {
      for (String value : noneMatch) {
        if (listsTag(value, file.etag())) {
          return true;
        }
      }
      return false;
    }
    List<String> modifiedSince = request.getAll(HttpHeaderNames.IF_MODIFIED_SINCE);
    if (modifiedSince.size() != 1) {
      return false;
    }
    Date since = DateFormatter.parseHttpDate(modifiedSince.get(0).trim());
    return since != null
        && since.getTime() <= nowMillis
        && file.modifiedSeconds() <= Math.floorDiv(since.getTime(), 1000L);
  }

  /**
   * Whether a {@code Range} may be honoured given {@code If-Range} ({@code ifRange}, or null when
   * absent): an entity tag must equal the file's strongly (a weak tag never does); a date must
   * equal its {@code Last-Modified} exactly. Anything else means: send the whole file.
   */
  static boolean rangeStillValid(String ifRange, StaticFile file) {
    if (ifRange == null) {
      return true;
    }
    String value = ifRange.trim();
    if (value.startsWith("\"")) {
      return value.equals(file.etag());
    }
    if (value.startsWith("W/")) {
      return false;
    }
    Date date = DateFormatter.parseHttpDate(value);
    return date != null && date.getTime() == file.modifiedSeconds() * 1000;
  }

  /**
   * Whether the {@code If-None-Match} field value {@code list} is {@code *} or holds an entity tag
   * whose opaque part equals that of {@code etag} (weak comparison: {@code W/} is ignored on both).
   * Tags are parsed as quoted strings, which may contain commas; parsing stops at the first
   * malformed member.
   */
  static boolean listsTag(String list, String etag) {
    String wanted = opaque(etag);
    int i = 0;
    int n = list.length();
    while (i < n) {
      char c = list.charAt(i);
      if (c == ' ' || c == '\t' || c == ',') {
        i++;
        continue;
      }
      if (c == '*') {
        return true;
      }
      if (list.startsWith("W/", i)) {
        i += 2;
      }
      if (i >= n || list.charAt(i) != '"') {
        return false;
      }
      int close = list.indexOf('"', i + 1);
      if (close < 0) {
        return false;
      }
      if (list.substring(i, close + 1).equals(wanted)) {
        return true;
      }
      i = close + 1;
    }
    return false;
  }

  private static String opaque(String etag) {
    return etag.startsWith("W/") ? etag.substring(2) : etag;
  }
}
