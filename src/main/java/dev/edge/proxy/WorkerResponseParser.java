package dev.edge.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Reads a worker's HTTP/1.1 responses from the bytes of its connection, one response per request
 * ({@link #expect}), and hands them to a {@link Receiver}: the head, the body as slices of the
 * bytes read (no copy), the end. It replaces Netty's {@code HttpResponseDecoder} on the worker hop,
 * where it does the framing and nothing else: header values are validated once, when the edge
 * copies them into the client's response.
 *
 * <p>Framing (RFC 9112 §6.3, for a client): no body for a response to {@code HEAD}, for {@code
 * 1xx}, {@code 204} and {@code 304}; informational responses other than {@code 101} are skipped;
 * {@code Transfer-Encoding} whose last coding is {@code chunked} is chunked (extensions ignored,
 * trailers read), without {@code chunked} the body runs to the end of the connection; otherwise
 * {@code Content-Length}, else to the end of the connection. A malformed head or chunk line, a head
 * over {@link ResponseHead#MAX_INITIAL_LINE} / {@link ResponseHead#MAX_HEAD_BYTES}, a {@code
 * Content-Length} that is not one decimal number, several {@code Content-Length} fields, and {@code
 * Content-Length} together with {@code Transfer-Encoding} are {@link Receiver#malformed}: the
 * worker failed, nothing is guessed.
 *
 * <p>A connection is reusable after a response only when it was framed by length or chunks, the
 * worker keeps it alive, and no byte followed the response in the same read.
 *
 * <p>Thread-safety: confined to the connection's event loop.
 */
final class WorkerResponseParser {

  /** Where a response goes. */
  interface Receiver {

    /** The final response head (informational ones are skipped). */
    void head(HttpResponse head);

    /** A non-empty part of the body; ownership passes to the receiver. */
    void body(ByteBuf part);

    /**
     * The response ended.
     *
     * @param trailers the chunked body's trailer fields, or an empty set
     * @param reusable whether the connection may carry another request
     */
    void last(HttpHeaders trailers, boolean reusable);

    /** The worker sent something that is not a well-framed response. */
    void malformed(String reason);
  }

  /** Longest chunk-size line, extensions included. */
  static final int MAX_CHUNK_LINE = 8192;

  private enum State {
    IDLE,
    HEAD,
    FIXED,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_END,
    TRAILERS,
    TO_CLOSE,
    DONE
  }

  private State state = State.DONE;
  private boolean headRequest;
  private boolean keepAlive;
  private long remaining;
  private ByteBuf pending;
  private final HeadScan scan = new HeadScan();

  /** The next response answers a request; {@code head} when that request is a {@code HEAD}. */
  void expect(boolean head) {
    releasePending();
    headRequest = head;
    state = State.IDLE;
  }

  /** Stops reading the current response (the call ended); what follows is not read. */
  void stop() {
    state = State.DONE;
    releasePending();
  }

  /** Reads {@code bytes} (ownership passes here). */
  void read(ByteBuf bytes, Receiver to) {
    ByteBuf in = bytes;
    if (pending != null) {
      pending.writeBytes(bytes);
      bytes.release();
      in = pending;
      pending = null;
    }
    try {
      parse(in, to);
    } catch (MalformedResponse e) {
      state = State.DONE;
      to.malformed(e.getMessage());
    }
    if (in.isReadable() && waitsForLine()) {
      if (in.refCnt() == 1 && in.maxCapacity() > in.capacity()) {
        in.discardSomeReadBytes();
        pending = in;
      } else {
        pending = in.alloc().buffer(Math.max(256, in.readableBytes() * 2));
        pending.writeBytes(in);
        in.release();
      }
    } else {
      in.release();
    }
  }

  /**
   * The connection closed: a body that runs to the end of the connection ends here.
   *
   * @return whether a response ended so; otherwise a response still expected is cut short
   */
  boolean closed(Receiver to) {
    releasePending();
    if (state == State.TO_CLOSE) {
      state = State.DONE;
      to.last(EmptyHttpHeaders.INSTANCE, false);
      return true;
    }
    return false;
  }

  private boolean waitsForLine() {
    return state == State.HEAD
        || state == State.CHUNK_SIZE
        || state == State.CHUNK_END
        || state == State.TRAILERS;
  }

  private void parse(ByteBuf in, Receiver to) {
    while (true) {
      switch (state) {
        case IDLE -> {
          if (!skipControls(in)) {
            return;
          }
          scan.reset(false);
          state = State.HEAD;
        }
        case HEAD -> {
          if (!scan.find(in)) {
            return;
          }
          ResponseHead head = ResponseHead.parse(in, scan);
          if (!head.informational()) {
            begin(head, in, to);
          } else {
            state = State.IDLE;
          }
        }
        case FIXED -> {
          if (!in.isReadable()) {
            return;
          }
          if (passBody(in, to)) {
            finish(in, EmptyHttpHeaders.INSTANCE, to);
          }
        }
        case CHUNK_SIZE -> {
          int end = ChunkLines.lineEnd(in, MAX_CHUNK_LINE, "chunk size line");
          if (end < 0) {
            return;
          }
          remaining = ChunkLines.chunkSize(in, end);
          if (remaining == 0) {
            scan.reset(true);
            state = State.TRAILERS;
          } else {
            state = State.CHUNK_DATA;
          }
        }
        case CHUNK_DATA -> {
          if (!in.isReadable()) {
            return;
          }
          if (passBody(in, to)) {
            state = State.CHUNK_END;
          }
        }
        case CHUNK_END -> {
          if (!ChunkLines.skipLineEnd(in)) {
            return;
          }
          state = State.CHUNK_SIZE;
        }
        case TRAILERS -> {
          if (!scan.find(in)) {
            return;
          }
          finish(in, ResponseHead.trailers(in, scan), to);
        }
        case TO_CLOSE -> {
          if (in.isReadable()) {
            to.body(in.readRetainedSlice(in.readableBytes()));
          }
          return;
        }
        default -> {
          return; // DONE: nothing more is read
        }
      }
    }
  }

  /** The head of the final response is in: hand it over and choose how its body is framed. */
  /**
   * Hands over as much of the remaining body (or chunk) as was read, as a slice; true when that
   * finished it.
   */
  private boolean passBody(ByteBuf in, Receiver to) {
    int n = (int) Math.min(remaining, in.readableBytes());
    remaining -= n;
    to.body(in.readRetainedSlice(n));
    return remaining == 0;
  }

  private void begin(ResponseHead head, ByteBuf in, Receiver to) {
    keepAlive = head.keepAlive();
    int status = head.status().code();
    if (status == 101) {
      state = State.DONE;
      to.head(head.toResponse());
      to.last(EmptyHttpHeaders.INSTANCE, false);
      return;
    }
    boolean bodyless = headRequest || status == 204 || status == 304;
    state =
        bodyless
            ? State.FIXED
            : head.chunked() ? State.CHUNK_SIZE : head.untilClose() ? State.TO_CLOSE : State.FIXED;
    remaining = bodyless ? 0 : head.contentLength();
    to.head(head.toResponse());
    if (state == State.FIXED && remaining == 0) {
      finish(in, EmptyHttpHeaders.INSTANCE, to);
    }
  }

  private void finish(ByteBuf in, HttpHeaders trailers, Receiver to) {
    if (state == State.DONE) {
      return; // the receiver stopped reading while taking the head
    }
    state = State.DONE;
    to.last(trailers, keepAlive && !in.isReadable());
  }

  /** Skips what may precede a status line (a stray CRLF); whether a status line may follow. */
  private static boolean skipControls(ByteBuf in) {
    int i = in.readerIndex();
    int end = in.writerIndex();
    while (i < end) {
      byte b = in.getByte(i);
      if (b > ' ' && b != 0x7f) {
        break;
      }
      i++;
    }
    in.readerIndex(i);
    return i < end;
  }

  private void releasePending() {
    if (pending != null) {
      pending.release();
      pending = null;
    }
  }

  /** The worker's bytes are not a response. */
  static final class MalformedResponse extends RuntimeException {
    MalformedResponse(String message) {
      super(message, null, false, false);
    }
  }
}
