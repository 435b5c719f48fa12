package dev.edge.statics;

import java.util.Locale;

/**
 * One byte range of a representation (RFC 9110 section 14), both ends inclusive.
 *
 * <p>{@link #parse} accepts exactly one range of unit {@code bytes}: {@code a-b}, {@code a-} or
 * {@code -n}. A header with several ranges, another unit, or anything malformed is ignored (the
 * whole file is served with 200, which RFC 9110 allows), so a client never gets a multipart body.
 *
 * @param first offset of the first byte
 * @param last offset of the last byte, at least {@code first}
 */
record ByteRange(long first, long last) {

  /**
   * The outcome for a range that starts at or past the end (and for any range of an empty file).
   */
  static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

  private static final String UNIT = "bytes=";

  /** Whether this range can be served; only {@link #UNSATISFIABLE} cannot. */
  boolean satisfiable() {
    return first >= 0;
  }

  /** The number of bytes in the range. */
  long length() {
    return last - first + 1;
  }

  /** The {@code Content-Range} value of a 206 for a file of {@code size} bytes. */
  String contentRange(long size) {
    return "bytes " + first + '-' + last + '/' + size;
  }

  /**
   * The range {@code header} asks for in a file of {@code size} bytes: the range (with its end
   * clamped to the file), {@link #UNSATISFIABLE}, or null when the header is absent or to be
   * ignored.
   */
  static ByteRange parse(String header, long size) {
    if (header == null
        || header.length() < UNIT.length()
        || !header.substring(0, UNIT.length()).toLowerCase(Locale.ROOT).equals(UNIT)) {
      return null;
    }
    String spec = header.substring(UNIT.length()).trim();
    int dash = spec.indexOf('-');
    if (dash < 0 || spec.indexOf(',') >= 0) {
      return null;
    }
    String from = spec.substring(0, dash).trim();
    String to = spec.substring(dash + 1).trim();
    if (from.isEmpty()) {
      long suffix = digits(to);
      if (suffix < 0) {
        return null;
      }
      return suffix == 0 || size == 0
          ? UNSATISFIABLE
          : new ByteRange(Math.max(0, size - suffix), size - 1);
    }
    long first = digits(from);
    long last = to.isEmpty() ? Long.MAX_VALUE : digits(to);
    if (first < 0 || last < 0 || last < first) {
      return null;
    }
    return first >= size ? UNSATISFIABLE : new ByteRange(first, Math.min(last, size - 1));
  }

  /** A non-empty run of ASCII digits as a number (saturating at Long.MAX_VALUE), else -1. */
  private static long digits(String text) {
    if (text.isEmpty()) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value > (Long.MAX_VALUE - (c - '0')) / 10 ? Long.MAX_VALUE : value * 10 + (c - '0');
    }
    return value;
  }
}
