package dev.edge.guard;

import dev.edge.EdgeException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Follows a chunked body (RFC 9112 §7.1) without copying it: parses each chunk-size line (hex size,
 * optional extensions), skips the chunk's data in bulk, insists on CRLF after it, and hands the
 * trailer section to a {@link HeadParser}. Refuses non-hex or overflowing sizes, malformed
 * extensions, bare CR or LF, a missing CRLF after data, over-long size lines ({@code bad_framing}),
 * and a body growing past the limit ({@code 413 body_too_large}) as soon as a size line says so.
 */
final class ChunkParser implements ByteProcessor {

  /** More significant hex digits than this (2^60 bytes) are refused as an overflow. */
  static final int MAX_SIZE_DIGITS = 15;

  /** Longest chunk-size line, extensions included (extension floods are refused). */
  static final int MAX_LINE = 4096;

  private static final int SIZE = 0;
  private static final int SIZE_WS = 1;
  private static final int EXT_PRE_NAME = 2;
  private static final int EXT_NAME = 3;
  private static final int EXT_POST_NAME = 4;
  private static final int EXT_PRE_VALUE = 5;
  private static final int EXT_TOKEN = 6;
  private static final int EXT_QUOTED = 7;
  private static final int EXT_QUOTED_PAIR = 8;
  private static final int EXT_POST_VALUE = 9;
  private static final int SIZE_LF = 10;
  private static final int DATA = 11;
  private static final int DATA_CR = 12;
  private static final int DATA_LF = 13;
  private static final int TRAILERS = 14;
  private static final int DONE = 15;
  private static final int FAILED = 16;

  private static final Rejection BAD_SIZE = Rejection.badFraming("malformed chunk size");
  private static final Rejection OVERFLOW = Rejection.badFraming("chunk size too large to parse");
  private static final Rejection BAD_EXTENSION = Rejection.badFraming("malformed chunk extension");
  private static final Rejection LONG_LINE = Rejection.badFraming("chunk-size line too long");
  private static final Rejection BARE_LF = Rejection.badFraming("bare LF in chunked framing");
  private static final Rejection BARE_CR = Rejection.badFraming("bare CR in chunked framing");
  private static final Rejection NO_CRLF = Rejection.badFraming("chunk data not followed by CRLF");

  private final long maxBody;
  private final HeadParser trailers;

  private int state;
  private int digits;
  private int significant;
  private int lineLength;
  private long size;
  private long remaining;
  private long total;
  private Rejection rejection;

  ChunkParser(long maxBody, HeadParser trailers) {
    this.maxBody = maxBody;
    this.trailers = trailers;
  }

  /** Starts a new chunked body. */
  void reset() {
    state = SIZE;
    digits = 0;
    significant = 0;
    lineLength = 0;
    size = 0;
    remaining = 0;
    total = 0;
    rejection = null;
  }

  boolean complete() {
    return state == DONE;
  }

  Rejection rejection() {
    return rejection;
  }

  /**
   * Consumes bytes {@code from} (inclusive) to {@code to} (exclusive) of {@code buf}; returns the
   * index after the last byte consumed, which is {@code to} unless the body completed or failed.
   */
  int scan(ByteBuf buf, int from, int to) {
    int i = from;
    while (i < to && state != DONE && state != FAILED) {
      if (state == DATA) {
        int n = (int) Math.min(remaining, to - i);
        remaining -= n;
        i += n;
        if (remaining == 0) {
          state = DATA_CR;
        }
        continue;
      }
      boolean inTrailers = state == TRAILERS;
      int stop = buf.forEachByte(i, to - i, inTrailers ? trailers : this);
      if (stop < 0) {
        return to;
      }
      i = stop + 1;
      if (inTrailers) {
        if (trailers.rejection() != null) {
          return fail(trailers.rejection(), i);
        }
        state = DONE;
      }
    }
    return i;
  }

  @Override
  public boolean process(byte b) {
    if (state <= SIZE_LF && ++lineLength > MAX_LINE) {
      return fail(LONG_LINE);
    }
    switch (state) {
      case SIZE:
        return size(b);
      case SIZE_WS:
        return afterSize(b);
      case SIZE_LF:
        return sizeLineEnd(b);
      case DATA_CR:
        return b == HeadParser.CR ? next(DATA_LF) : fail(NO_CRLF);
      case DATA_LF:
        if (b != HeadParser.LF) {
          return fail(NO_CRLF);
        }
        lineLength = 0;
        digits = 0;
        significant = 0;
        size = 0;
        return next(SIZE);
      default:
        return extension(b);
    }
  }

  private boolean size(byte b) {
    int value = Chars.hex(b);
    if (value >= 0) {
      digits++;
      if (size != 0 || value != 0) {
        if (++significant > MAX_SIZE_DIGITS) {
          return fail(OVERFLOW);
        }
        size = size * 16 + value;
      }
      return true;
    }
    if (digits == 0) {
      return fail(b == HeadParser.LF ? BARE_LF : BAD_SIZE);
    }
    return afterSize(b);
  }

  private boolean afterSize(byte b) {
    switch (b) {
      case HeadParser.SP:
      case HeadParser.HTAB:
        return next(SIZE_WS);
      case ';':
        return next(EXT_PRE_NAME);
      case HeadParser.CR:
        return next(SIZE_LF);
      case HeadParser.LF:
        return fail(BARE_LF);
      default:
        return fail(state == SIZE ? BAD_SIZE : BAD_EXTENSION);
    }
  }

  private boolean sizeLineEnd(byte b) {
    if (b != HeadParser.LF) {
      return fail(BARE_CR);
    }
    if (maxBody > 0 && size > maxBody - total) {
      return fail(
          new Rejection(Reason.BODY_TOO_LARGE, "chunked body larger than " + maxBody + " bytes"));
    }
    total += size;
    if (size == 0) {
      trailers.resetForTrailers();
      return stopAt(TRAILERS);
    }
    remaining = size;
    return stopAt(DATA);
  }

  /** chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] ). */
  private boolean extension(byte b) {
    boolean ws = b == HeadParser.SP || b == HeadParser.HTAB;
    switch (state) {
      case EXT_PRE_NAME:
        return ws ? true : Chars.isToken(b) ? next(EXT_NAME) : fail(BAD_EXTENSION);
      case EXT_NAME:
        if (Chars.isToken(b)) {
          return true;
        }
        return ws ? next(EXT_POST_NAME) : afterName(b);
      case EXT_POST_NAME:
        return ws ? true : afterName(b);
      case EXT_PRE_VALUE:
        if (ws) {
          return true;
        }
        if (b == '"') {
          return next(EXT_QUOTED);
        }
        return Chars.isToken(b) ? next(EXT_TOKEN) : fail(BAD_EXTENSION);
      case EXT_TOKEN:
        if (Chars.isToken(b)) {
          return true;
        }
        return ws ? next(EXT_POST_VALUE) : afterValue(b);
      case EXT_QUOTED:
        if (b == '"') {
          return next(EXT_POST_VALUE);
        }
        if (b == '\\') {
          return next(EXT_QUOTED_PAIR);
        }
        return b == HeadParser.HTAB || !Chars.isControl(b) ? true : fail(BAD_EXTENSION);
      case EXT_QUOTED_PAIR:
        return b == HeadParser.HTAB || !Chars.isControl(b) ? next(EXT_QUOTED) : fail(BAD_EXTENSION);
      case EXT_POST_VALUE:
        return ws ? true : afterValue(b);
      default:
        return fail(BAD_EXTENSION);
    }
  }

  private boolean afterName(byte b) {
    return b == '=' ? next(EXT_PRE_VALUE) : afterValue(b);
  }

  private boolean afterValue(byte b) {
    if (b == ';') {
      return next(EXT_PRE_NAME);
    }
    if (b == HeadParser.CR) {
      return next(SIZE_LF);
    }
    return fail(b == HeadParser.LF ? BARE_LF : BAD_EXTENSION);
  }

  private boolean next(int newState) {
    state = newState;
    return true;
  }

  /** Changes state and stops the byte loop, so {@link #scan} can switch to bulk or trailers. */
  private boolean stopAt(int newState) {
    state = newState;
    return false;
  }

  private boolean fail(Rejection why) {
    rejection = why;
    state = FAILED;
    return false;
  }

  private int fail(Rejection why, int index) {
    fail(why);
    return index;
  }
}
