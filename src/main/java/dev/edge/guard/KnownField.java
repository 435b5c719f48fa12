package dev.edge.guard;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The header names the scanner cares about, matched case-insensitively byte by byte as they arrive:
 * a name is a candidate from its first byte and stays one while every byte matches; when a byte
 * does not, another known name with the same start may take over ({@code content-length} and {@code
 * connection} share {@code con}).
 */
final class KnownField {

  static final int NONE = -1;
  static final int CONTENT_LENGTH = 0;
  static final int TRANSFER_ENCODING = 1;
  static final int EXPECT = 2;
  static final int UPGRADE = 3;
  static final int REQUEST_ID = 4;
  static final int CONNECTION = 5;

  private static final byte[][] NAMES = {
    ascii("content-length"),
    ascii("transfer-encoding"),
    ascii("expect"),
    ascii("upgrade"),
    ascii("x-request-id"),
    ascii("connection"),
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

  /**
   * The candidate once byte {@code index} of a name is {@code b}, the bytes before it having
   * matched {@code field}: {@code field} itself, another known name with the same first {@code
   * index} bytes, or {@link #NONE}.
   */
  static int next(int field, int index, byte b) {
    int lower = Chars.lower(b);
    byte[] name = NAMES[field];
    if (index < name.length && name[index] == lower) {
      return field;
    }
    for (int other = 0; other < NAMES.length; other++) {
      byte[] candidate = NAMES[other];
      if (index < candidate.length
          && index <= name.length
          && candidate[index] == lower
          && Arrays.equals(candidate, 0, index, name, 0, index)) {
        return other;
      }
    }
    return NONE;
  }

  /** {@code field} if all of its name matched in {@code length} bytes, else {@link #NONE}. */
  static int matchedWhole(int field, int length) {
    return field != NONE && NAMES[field].length == length ? field : NONE;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
