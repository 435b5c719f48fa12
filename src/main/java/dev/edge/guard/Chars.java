package dev.edge.guard;

/** Byte classes of RFC 9110/9112, by table lookup. */
final class Chars {

  private static final boolean[] TOKEN = new boolean[256];

  static {
    String token = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for (int i = 0; i < token.length(); i++) {
      TOKEN[token.charAt(i)] = true;
    }
  }

  private Chars() {}

  /** A {@code tchar}: what methods, header names and chunk-extension names are made of. */
  static boolean isToken(byte b) {
    return TOKEN[b & 0xFF];
  }

  /** A control character: 0x00-0x1F or DEL (bytes 0x80-0xFF are obs-text, not controls). */
  static boolean isControl(byte b) {
    return (b >= 0 && b < 0x20) || b == 0x7F;
  }

  /** ASCII lower case of {@code b}. */
  static int lower(byte b) {
    return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
  }

  /** The value of a hex digit, or -1. */
  static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    int lower = lower(b);
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
  }
}
