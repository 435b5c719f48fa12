package dev.edge.guard;

import dev.edge.EdgeException.Reason;
import io.netty.util.ByteProcessor;

/**
 * A strict, allocation-free parser for one request head (request line and header section up to the
 * empty line), or for a chunked body's trailer section, fed one byte at a time as a {@link
 * ByteProcessor}: it returns false when the head is complete ({@link #complete()}) or refused
 * ({@link #rejection()}).
 *
 * <p>It accepts exactly RFC 9112's grammar, minus what smuggling relies on: the request line is
 * {@code method SP target SP HTTP/1.x CRLF}; a field is {@code token ":" OWS value OWS CRLF}; lines
 * end in CRLF only (no bare LF, no bare CR); no obs-fold; no whitespace before the colon; no
 * control characters (HTAB excepted in values) or NUL. It remembers only what framing needs
 * (Content-Length, Transfer-Encoding, Expect, Upgrade), whether the connection ends after the
 * request (Connection), and for the rejection a sane X-Request-Id and whether the method is {@code
 * HEAD}, matching names byte by byte against {@link KnownField} without making Strings.
 */
final class HeadParser implements ByteProcessor {

  static final byte CR = '\r';
  static final byte LF = '\n';
  static final byte SP = ' ';
  static final byte HTAB = '\t';

  /** Longest method accepted: real ones are at most 16 ({@code BASELINE-CONTROL}). */
  static final int MAX_METHOD = 32;

  /** Empty lines tolerated before a request line (RFC 9112 §2.2 asks for at least one). */
  static final int MAX_LEADING_EMPTY_LINES = 4;

  private static final byte[] HTTP_1 = {'H', 'T', 'T', 'P', '/', '1', '.'};

  private static final int LINE_START = 0;
  private static final int LEADING_LF = 1;
  private static final int METHOD = 2;
  private static final int TARGET_START = 3;
  private static final int TARGET = 4;
  private static final int VERSION = 5;
  private static final int VERSION_CR = 6;
  private static final int VERSION_LF = 7;
  private static final int FIELD_START = 8;
  private static final int NAME = 9;
  private static final int VALUE = 10;
  private static final int VALUE_LF = 11;
  private static final int END_LF = 12;
  private static final int DONE = 13;
  private static final int FAILED = 14;

  private static final Rejection BARE_LF = Rejection.badHeader("bare LF in the request head");
  private static final Rejection BARE_CR = Rejection.badHeader("bare CR in the request head");
  private static final Rejection BAD_METHOD = Rejection.badHeader("malformed method");
  private static final Rejection EXTRA_SPACE =
      Rejection.badHeader("malformed request line (extra whitespace)");
  private static final Rejection TARGET_CTL =
      Rejection.badHeader("control character in the request target");
  private static final Rejection BAD_VERSION = Rejection.badHeader("malformed HTTP version");
  private static final Rejection UNSUPPORTED_VERSION =
      Rejection.badHeader("unsupported HTTP version");
  private static final Rejection LEADING_LINES =
      Rejection.badHeader("too many empty lines before the request line");
  private static final Rejection OBS_FOLD =
      Rejection.badHeader("obsolete line folding or whitespace at the start of a header line");
  private static final Rejection EMPTY_NAME = Rejection.badHeader("empty header name");
  private static final Rejection SPACE_BEFORE_COLON =
      Rejection.badHeader("whitespace between a header name and the colon");
  private static final Rejection BAD_NAME =
      Rejection.badHeader("invalid character in a header name");
  private static final Rejection NO_COLON = Rejection.badHeader("header line without a colon");
  private static final Rejection NUL = Rejection.badHeader("NUL in a header value");
  private static final Rejection VALUE_CTL =
      Rejection.badHeader("control character in a header value");

  private final int maxTarget;
  private final int maxHeaderBytes;

  private int state;
  private int count;
  private int headerBytes;
  private long bytes;
  private Rejection rejection;

  private final FieldValues values = new FieldValues();
  private int field;
  private int matched;

  HeadParser(int maxTarget, int maxHeaderBytes) {
    this.maxTarget = maxTarget;
    this.maxHeaderBytes = maxHeaderBytes;
  }

  /** Starts a new request head. */
  void resetForRequest() {
    reset(LINE_START);
  }

  /** Starts a trailer section (the header lines after a chunked body's last chunk). */
  void resetForTrailers() {
    reset(FIELD_START);
  }

  private void reset(int start) {
    state = start;
    count = 0;
    headerBytes = 0;
    bytes = 0;
    rejection = null;
    values.reset();
    field = KnownField.NONE;
    matched = 0;
  }

  /** Bytes of this head consumed so far; 0 until its first byte. */
  long bytes() {
    return bytes;
  }

  boolean complete() {
    return state == DONE;
  }

  /** Why the head was refused, or null. */
  Rejection rejection() {
    return rejection;
  }

  /** What the head said about framing and the rest; valid once {@link #complete()}. */
  FieldValues values() {
    return values;
  }

  @Override
  public boolean process(byte b) {
    bytes++;
    switch (state) {
      case LINE_START:
        return lineStart(b);
      case LEADING_LF:
        return b == LF ? next(LINE_START) : fail(BARE_CR);
      case METHOD:
        return method(b);
      case TARGET_START:
        if (b == SP) {
          return fail(EXTRA_SPACE);
        }
        count = 0;
        state = TARGET;
        return target(b);
      case TARGET:
        return target(b);
      case VERSION:
        return version(b);
      case VERSION_CR:
        return b == CR ? next(VERSION_LF) : fail(b == SP ? EXTRA_SPACE : BAD_VERSION);
      case VERSION_LF:
        return b == LF ? next(FIELD_START) : fail(BARE_CR);
      default:
        return headerByte(b);
    }
  }

  private boolean headerByte(byte b) {
    if (++headerBytes > maxHeaderBytes) {
      return fail(
          new Rejection(
              Reason.HEADERS_TOO_LARGE, "header section larger than " + maxHeaderBytes + " bytes"));
    }
    switch (state) {
      case FIELD_START:
        return fieldStart(b);
      case NAME:
        return name(b);
      case VALUE:
        return value(b);
      case VALUE_LF:
        if (b != LF) {
          return fail(BARE_CR);
        }
        values.endField(field);
        return next(FIELD_START);
      case END_LF:
        if (b != LF) {
          return fail(BARE_CR);
        }
        state = DONE;
        return false;
      default:
        return false;
    }
  }

  private boolean lineStart(byte b) {
    if (b == CR) {
      return ++count > MAX_LEADING_EMPTY_LINES ? fail(LEADING_LINES) : next(LEADING_LF);
    }
    values.methodByte(0, b);
    if (b == LF) {
      return fail(BARE_LF);
    }
    if (!Chars.isToken(b)) {
      return fail(b == SP || b == HTAB ? EXTRA_SPACE : BAD_METHOD);
    }
    count = 1;
    state = METHOD;
    return true;
  }

  private boolean method(byte b) {
    if (b == SP) {
      values.methodEnd(count);
      return next(TARGET_START);
    }
    values.methodByte(count, b);
    if (!Chars.isToken(b) || ++count > MAX_METHOD) {
      return fail(BAD_METHOD);
    }
    return true;
  }

  private boolean target(byte b) {
    if (b == SP) {
      count = 0;
      return next(VERSION);
    }
    if (Chars.isControl(b)) {
      return fail(b == CR || b == LF ? BAD_VERSION : TARGET_CTL);
    }
    if (++count > maxTarget) {
      return fail(
          new Rejection(Reason.URI_TOO_LONG, "request target longer than " + maxTarget + " bytes"));
    }
    return true;
  }

  private boolean version(byte b) {
    if (count < HTTP_1.length) {
      if (b != HTTP_1[count]) {
        return fail(b == SP ? EXTRA_SPACE : BAD_VERSION);
      }
      count++;
      return true;
    }
    if (b != '0' && b != '1') {
      return fail(b >= '0' && b <= '9' ? UNSUPPORTED_VERSION : BAD_VERSION);
    }
    values.version(b - '0');
    return next(VERSION_CR);
  }

  private boolean fieldStart(byte b) {
    if (b == CR) {
      return next(END_LF);
    }
    if (b == LF) {
      return fail(BARE_LF);
    }
    if (b == SP || b == HTAB) {
      return fail(OBS_FOLD);
    }
    if (b == ':') {
      return fail(EMPTY_NAME);
    }
    if (!Chars.isToken(b)) {
      return fail(b == 0 || Chars.isControl(b) ? VALUE_CTL : BAD_NAME);
    }
    field = KnownField.startingWith(b);
    matched = 1;
    state = NAME;
    return true;
  }

  private boolean name(byte b) {
    if (b == ':') {
      field = KnownField.matchedWhole(field, matched);
      values.startField(field);
      return next(VALUE);
    }
    if (Chars.isToken(b)) {
      if (field != KnownField.NONE) {
        field = KnownField.next(field, matched, b);
        matched++;
      }
      return true;
    }
    if (b == SP || b == HTAB) {
      return fail(SPACE_BEFORE_COLON);
    }
    return fail(b == CR || b == LF ? NO_COLON : BAD_NAME);
  }

  private boolean value(byte b) {
    if (b == CR) {
      return next(VALUE_LF);
    }
    if (b == LF) {
      return fail(BARE_LF);
    }
    if (b == 0) {
      return fail(NUL);
    }
    if (b != HTAB && Chars.isControl(b)) {
      return fail(VALUE_CTL);
    }
    if (field != KnownField.NONE) {
      values.valueByte(field, b);
    }
    return true;
  }

  private boolean next(int newState) {
    state = newState;
    return true;
  }

  private boolean fail(Rejection why) {
    rejection = why;
    state = FAILED;
    return false;
  }
}
