package dev.edge.guard;

import java.nio.charset.StandardCharsets;

/**
 * What one request head said about its framing, parsed from the values of {@link KnownField}s as
 * their bytes arrive: how many Content-Length and Transfer-Encoding fields, whether each was valid
 * (Content-Length: digits only; Transfer-Encoding: exactly {@code chunked}, any case, no trailing
 * whitespace), {@code Expect: 100-continue}, {@code Upgrade}, the {@code close} and {@code
 * keep-alive} options of {@code Connection} (as Netty reads them: any case, in a comma list across
 * all its fields), the first X-Request-Id if sane, and whether the method is {@code HEAD}.
 */
final class FieldValues {

  /** More digits than this could overflow a long: such a Content-Length is malformed. */
  static final int MAX_LENGTH_DIGITS = 18;

  private static final byte[] CHUNKED = "chunked".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CONTINUE = "100-continue".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CLOSE = "close".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KEEP_ALIVE = "keep-alive".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEAD = "HEAD".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_ID = 128;

  private int minorVersion;
  int contentLengths;
  long contentLength;
  boolean contentLengthMalformed;
  int transferEncodings;
  boolean transferEncodingMalformed;
  boolean expectContinue;
  boolean upgrade;
  boolean connectionClose;
  boolean connectionKeepAlive;

  /** Method bytes so far that match {@code HEAD}; -1 once one does not, or it ended short. */
  private int headBytes;

  private byte[] id;
  private int idLength;
  private boolean idSeen;
  private boolean idSane;

  private boolean started;
  private boolean trailing;
  private boolean mismatch;
  private int position;
  private byte[] option;

  void reset() {
    minorVersion = 1;
    contentLengths = 0;
    contentLength = -1;
    contentLengthMalformed = false;
    transferEncodings = 0;
    transferEncodingMalformed = false;
    expectContinue = false;
    upgrade = false;
    connectionClose = false;
    connectionKeepAlive = false;
    headBytes = 0;
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

  /**
   * Whether the connection may carry another request after this one (RFC 9112 §9.3): not if it said
   * {@code close}; on HTTP/1.0 only if it said {@code keep-alive}.
   */
  boolean keepAlive() {
    return !connectionClose && (minorVersion == 1 || connectionKeepAlive);
  }

  /** Byte {@code index} (0-based) of the method, or the first byte of a request line. */
  void methodByte(int index, byte b) {
    headBytes = headBytes == index && index < HEAD.length && b == HEAD[index] ? index + 1 : -1;
  }

  /** The method ended after {@code length} bytes. */
  void methodEnd(int length) {
    if (length != HEAD.length || headBytes != HEAD.length) {
      headBytes = -1;
    }
  }

  /**
   * Whether the method is {@code HEAD} (case-sensitive, as methods are), or, while it is still
   * incomplete, could be: it has begun, and every byte of it so far is the start of {@code HEAD}.
   */
  boolean maybeHead() {
    return headBytes > 0;
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
    option = null;
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
      case KnownField.CONNECTION:
        connectionByte(b, ws);
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
      case KnownField.CONNECTION:
        endConnectionOption();
        break;
      default:
        break;
    }
  }

  /**
   * A byte of a {@code Connection} value: a comma list of options, each trimmed of whitespace and
   * compared without case to {@code close} and {@code keep-alive}.
   */
  private void connectionByte(byte b, boolean ws) {
    if (b == ',') {
      endConnectionOption();
    } else if (ws) {
      trailing = position > 0 || mismatch;
    } else if (trailing) {
      mismatch = true;
    } else {
      if (option == null) {
        option = Chars.lower(b) == 'c' ? CLOSE : KEEP_ALIVE;
      }
      mismatch |= !matches(option, b);
    }
  }

  private void endConnectionOption() {
    if (!mismatch && option != null && position == option.length) {
      connectionClose |= option == CLOSE;
      connectionKeepAlive |= option == KEEP_ALIVE;
    }
    option = null;
    position = 0;
    mismatch = false;
    trailing = false;
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
