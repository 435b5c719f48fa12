package dev.edge.proxy;

import dev.edge.proxy.WorkerResponseParser.MalformedResponse;
import io.netty.buffer.ByteBuf;

/**
 * Finds where a response head (status line and fields) or a trailer section ends, across as many
 * reads as it takes, while holding the worker to the size limits: a line is looked at once however
 * the bytes arrive, and a head over a limit fails before its end has arrived. Lines end with CRLF,
 * as Netty's decoder requires.
 *
 * <p>Offsets count from the start of the section, which stays at the reader index of the buffer
 * being scanned until the whole section is found.
 */
final class HeadScan {

  /** Length of the section with its empty last line, once {@link #find} returned true. */
  int end;

  private int scanned;
  private int lineStart;
  private int fieldBytes;
  private boolean statusLine;

  /** Starts a new section: a head with its status line, or trailers ({@code trailers}). */
  void reset(boolean trailers) {
    end = 0;
    scanned = 0;
    lineStart = 0;
    fieldBytes = 0;
    statusLine = !trailers;
  }

  /** Whether the whole section is at the start of {@code in}; nothing is consumed. */
  boolean find(ByteBuf in) {
    int base = in.readerIndex();
    int limit = in.writerIndex();
    while (true) {
      int lf = in.indexOf(base + scanned, limit, (byte) '\n');
      if (lf < 0) {
        scanned = limit - base;
        int partial = scanned - lineStart;
        if (partial > 0 && in.getByte(limit - 1) == '\r') {
          partial--;
        }
        check(partial);
        return false;
      }
      int length = lf - base - lineStart - 1;
      if (length < 0 || in.getByte(lf - 1) != '\r') {
        throw new MalformedResponse("a line ended by a bare LF");
      }
      scanned = lf - base + 1;
      if (length == 0 && !statusLine) {
        end = scanned;
        return true;
      }
      check(length);
      if (!statusLine) {
        fieldBytes += length;
      }
      statusLine = false;
      lineStart = scanned;
    }
  }

  private void check(int lineLength) {
    if (statusLine) {
      if (lineLength > ResponseHead.MAX_INITIAL_LINE) {
        throw new MalformedResponse(
            "a status line longer than " + ResponseHead.MAX_INITIAL_LINE + " bytes");
      }
    } else if (fieldBytes + lineLength > ResponseHead.MAX_HEAD_BYTES) {
      throw new MalformedResponse(
          "header fields larger than " + ResponseHead.MAX_HEAD_BYTES + " bytes");
    }
  }
}
