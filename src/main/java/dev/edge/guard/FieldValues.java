package dev.edge.guard;

import java.nio.charset.StandardCharsets;

/**
 * What one request head said about its framing, parsed from the values of {@link KnownField}s as
 * their bytes arrive: how many Content-Length and Transfer-Encoding fields, whether each was valid
 * (Content-Length: digits only; Transfer-Encoding: exactly {@code chunked}, any case, no trailing
 * whitespace), {@code Expect: 100-continue}, {@code Upgrade}, and the first X-Request-Id if sane.
 */
final class FieldValues {

  /** More digits than this could overflow a long: such a Content-Length is malformed. */
  static final int MAX_LENGTH_DIGITS = 18;

  private static final byte[] CHUNKED = "chunked".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CONTINUE = "100-continue".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_ID = 128;

  private int minorVersion;
  int contentLengths;
  long contentLength;
  boolean contentLengthMalformed;
  int transferEncodings;
  boolean transferEncodingMalformed;
  boolean expectContinue;
  boolean upgrade;

  private byte[] id;
  private int idLength;
  private boolean idSeen;
  private boolean idSane;

  private boolean started;
  private boolean trailing;
  private boolean mismatch;
  private int position;

  void reset() {
    minorVersion = 1;
    contentLengths = 0;
    contentLength = -1;
    contentLengthMalformed = false;
    transferEncodings = 0;
    transferEncodingMalformed = false;
    expectContinue = false;
    upgrade = false;
    idLength = 0;
    idSeen = false;
    idSane = false;
  }

  /** The request line's HTTP version was {@code 1.minor}. */
  void version(int minor) {
    minorVersion = minor;
  }

  /** The minor HTTP version the request line gave ({@code 1.x}). */
  int minorVersion() {
    return minorVersion;
  }

  /** The body is chunked: one valid {@code Transfer-Encoding: chunked}. */
  boolean chunked() {
    return transferEncodings == 1 && !transferEncodingMalformed;
  }

  /** The first X-Request-Id if it was sane (1-128 of {@code [A-Za-z0-9._:-]}), else null. */
  String requestId() {
    return idSane && idLength > 0 ? new String(id, 0, idLength, StandardCharsets.US_ASCII) : null;
  }

  void startField(int field) {
    started = false;
    trailing = false;
    mismatch = false;
    position = 0;
    switch (field) {
      case KnownField.CONTENT_LENGTH:
        contentLengths++;
        contentLength = 0;
        break;
      case KnownField.TRANSFER_ENCODING:
        transferEncodings++;
        break;
      case KnownField.UPGRADE:
        upgrade = true;
        break;
      case KnownField.REQUEST_ID:
        if (!idSeen) {
          idSeen = true;
          idSane = true;
          idLength = 0;
          if (id == null) {
            id = new byte[MAX_ID];
          }
        } else {
          mismatch = true;
        }
        break;
      default:
        break;
    }
  }

  void valueByte(int field, byte b) {
    boolean ws = b == HeadParser.SP || b == HeadParser.HTAB;
    if (!started) {
      if (ws) {
        return;
      }
      started = true;
    }
    switch (field) {
      case KnownField.CONTENT_LENGTH:
        contentLengthByte(b, ws);
        break;
      case KnownField.TRANSFER_ENCODING:
        mismatch |= !matches(CHUNKED, b);
        break;
      case KnownField.EXPECT:
        if (ws) {
          trailing = true;
        } else {
          mismatch |= trailing || !matches(CONTINUE, b);
        }
        break;
      case KnownField.REQUEST_ID:
        requestIdByte(b, ws);
        break;
      default:
        break;
    }
  }

  void endField(int field) {
    switch (field) {
      case KnownField.CONTENT_LENGTH:
        contentLengthMalformed |= position == 0;
        break;
      case KnownField.TRANSFER_ENCODING:
        transferEncodingMalformed |= mismatch || position != CHUNKED.length;
        break;
      case KnownField.EXPECT:
        expectContinue = !mismatch && position == CONTINUE.length;
        break;
      default:
        break;
    }
  }

  private void contentLengthByte(byte b, boolean ws) {
    if (ws) {
      trailing = true;
    } else if (b >= '0' && b <= '9' && !trailing && position < MAX_LENGTH_DIGITS) {
      position++;
      contentLength = contentLength * 10 + (b - '0');
    } else {
      contentLengthMalformed = true;
    }
  }

  private void requestIdByte(byte b, boolean ws) {
    if (mismatch) {
      return;
    }
    if (ws) {
      trailing = true;
    } else if (trailing || idLength >= MAX_ID || !idChar(b)) {
      idSane = false;
    } else {
      id[idLength++] = b;
    }
  }

  private boolean matches(byte[] expected, byte b) {
    if (position < expected.length && Chars.lower(b) == expected[position]) {
      position++;
      return true;
    }
    return false;
  }

  private static boolean idChar(byte b) {
    return (b >= 'a' && b <= 'z')
        || (b >= 'A' && b <= 'Z')
        || (b >= '0' && b <= '9')
        || b == '.'
        || b == '_'
        || b == ':'
        || b == '-';
  }
}
