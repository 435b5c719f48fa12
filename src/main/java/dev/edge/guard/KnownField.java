package dev.edge.guard;

import java.nio.charset.StandardCharsets;

/**
 * The header names the scanner cares about, matched case-insensitively byte by byte as they arrive:
 * a name is a candidate from its first byte and stays one while every byte matches.
 */
final class KnownField {

  static final int NONE = -1;
  static final int CONTENT_LENGTH = 0;
  static final int TRANSFER_ENCODING = 1;
  static final int EXPECT = 2;
  static final int UPGRADE = 3;
  static final int REQUEST_ID = 4;

  private static final byte[][] NAMES = {
    ascii("content-length"),
    ascii("transfer-encoding"),
    ascii("expect"),
    ascii("upgrade"),
    ascii("x-request-id"),
  };

  private KnownField() {}

  /** The candidate for a name starting with {@code b}, or {@link #NONE}. */
  static int startingWith(byte b) {
    int first = Chars.lower(b);
    for (int i = 0; i < NAMES.length; i++) {
      if (NAMES[i][0] == first) {
        return i;
      }
    }
    return NONE;
  }

  /** Whether byte {@code index} of a name can still be {@code field}'s. */
  static boolean matches(int field, int index, byte b) {
    byte[] name = NAMES[field];
    return index < name.length && name[index] == Chars.lower(b);
  }

  /** {@code field} if all of its name matched in {@code length} bytes, else {@link #NONE}. */
  static int matchedWhole(int field, int length) {
    return field != NONE && NAMES[field].length == length ? field : NONE;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
