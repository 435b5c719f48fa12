package dev.edge.proxy;

import dev.edge.proxy.WorkerResponseParser.MalformedResponse;
import io.netty.buffer.ByteBuf;

/**
 * The lines of the chunked framing (RFC 9112 §7.1), read straight from the connection's bytes for
 * {@link WorkerResponseParser}: the chunk-size line (hexadecimal size, extensions skipped) and the
 * CRLF after a chunk's data. Nothing is consumed until a whole line has arrived.
 */
final class ChunkLines {

  private static final byte CR = '\r';
  private static final byte LF = '\n';

  private ChunkLines() {}

  /**
   * The index of the LF that ends the line at the start of {@code in}, or -1 when it has not all
   * arrived; a line longer than {@code max} bytes (without its end) is malformed.
   */
  static int lineEnd(ByteBuf in, int max, String what) {
    int start = in.readerIndex();
    int lf = in.indexOf(start, in.writerIndex(), LF);
    int end = lf < 0 ? in.writerIndex() : lf;
    int length = end - start;
    if (length > 0 && in.getByte(end - 1) == CR) {
      length--; // the line's end, or maybe the start of it
    }
    if (length > max) {
      throw new MalformedResponse("a " + what + " longer than " + max + " bytes");
    }
    return lf;
  }

  /** Reads the chunk-size line ending at {@code lf}: the size; extensions are skipped. */
  static long chunkSize(ByteBuf in, int lf) {
    int i = in.readerIndex();
    if (lf == i || in.getByte(lf - 1) != CR) {
      throw new MalformedResponse("a chunk size line ended by a bare LF");
    }
    int end = lf - 1;
    long size = 0;
    int digits = 0;
    for (; i < end; i++, digits++) {
      int d = Character.digit(in.getByte(i), 16);
      if (d < 0) {
        break;
      }
      if (digits == 15) {
        throw new MalformedResponse("a chunk size too large");
      }
      size = size << 4 | d;
    }
    while (i < end && space(in.getByte(i))) {
      i++;
    }
    if (digits == 0 || (i < end && in.getByte(i) != ';')) {
      throw new MalformedResponse("a malformed chunk size");
    }
    for (; i < end; i++) {
      if (in.getByte(i) == CR) {
        throw new MalformedResponse("a bare CR in a chunk size line");
      }
    }
    in.readerIndex(lf + 1);
    return size;
  }

  /** Skips the line end after a chunk's data; false until it has arrived. */
  static boolean skipLineEnd(ByteBuf in) {
    int readable = in.readableBytes();
    if (readable == 0) {
      return false;
    }
    if (in.getByte(in.readerIndex()) == CR) {
      if (readable < 2) {
        return false;
      }
      if (in.getByte(in.readerIndex() + 1) == LF) {
        in.skipBytes(2);
        return true;
      }
    }
    throw new MalformedResponse("a chunk's data not followed by its line end");
  }

  private static boolean space(byte b) {
    return b == ' ' || b == '\t';
  }
}
