package dev.edge.observe;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: a client's {@code X-Request-Id} is kept when it is sane (1 to 128 characters from
 * {@code [A-Za-z0-9._:-]}); otherwise one is generated as {@code req-} plus 16 hex digits.
 */
public final class RequestIds {

  /** The header that carries the id both ways. */
  public static final String HEADER = "X-Request-Id";

  private static final int MAX_LENGTH = 128;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private RequestIds() {}

  /** The id to use for a request whose {@code X-Request-Id} header is {@code offered}. */
  public static String resolve(String offered) {
    return isSane(offered) ? offered : generate();
  }

  static boolean isSane(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == ':'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  static String generate() {
    long bits = ThreadLocalRandom.current().nextLong();
    char[] out = new char[20];
    out[0] = 'r';
    out[1] = 'e';
    out[2] = 'q';
    out[3] = '-';
    for (int i = 19; i >= 4; i--) {
      out[i] = HEX[(int) (bits & 0xF)];
      bits >>>= 4;
    }
    return new String(out);
  }
}
