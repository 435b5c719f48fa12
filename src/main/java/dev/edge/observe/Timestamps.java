package dev.edge.observe;

import java.time.Instant;

/**
 * ISO-8601 UTC timestamps with milliseconds ({@code 2026-11-22T02:58:10.790Z}) for the access log,
 * without formatting a date for every line: the part up to the seconds is reused while the second
 * does not change. Used by the access log's single writer thread only.
 */
final class Timestamps {

  private static long cachedSecond = Long.MIN_VALUE;
  private static String cachedPrefix = "";

  private Timestamps() {}

  /** Appends {@code epochMillis} in ISO-8601 UTC with milliseconds. */
  static synchronized void append(StringBuilder out, long epochMillis) {
    long second = Math.floorDiv(epochMillis, 1000);
    if (second != cachedSecond) {
      String full = Instant.ofEpochSecond(second).toString();
      cachedPrefix = full.substring(0, full.length() - 1) + ".";
      cachedSecond = second;
    }
    int millis = (int) Math.floorMod(epochMillis, 1000);
    out.append(cachedPrefix);
    if (millis < 100) {
      out.append('0');
    }
    if (millis < 10) {
      out.append('0');
    }
    out.append(millis).append('Z');
  }
}
