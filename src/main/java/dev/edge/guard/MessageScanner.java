package dev.edge.guard;

import dev.edge.EdgeException.Reason;
import io.netty.buffer.ByteBuf;

/**
 * Follows one connection's inbound request stream message by message, whatever the read boundaries:
 * each request head through {@link HeadParser}, then its body by its framing (counting down a
 * Content-Length, or following chunks with {@link ChunkParser}), so it always knows where the next
 * pipelined request begins. Offsets are absolute positions in the connection's byte stream. It
 * never copies or changes a byte; it only says whether the bytes so far are acceptable.
 *
 * <p>After a request carrying {@code Upgrade} it pauses ({@link #paused()}): what follows is either
 * another protocol (101) or the next request, which only the response can tell.
 *
 * <p>After the last request — one saying {@code Connection: close}, or HTTP/1.0 without {@code
 * keep-alive} (RFC 9112 §9.3, §9.6) — it is closed ({@link #closed()}): whatever follows is not a
 * request and accepts nothing more.
 */
final class MessageScanner {

  private static final int HEAD = 0;
  private static final int FIXED_BODY = 1;
  private static final int CHUNKED_BODY = 2;
  private static final int PAUSED = 3;
  private static final int FAILED = 4;
  private static final int CLOSED = 5;

  private static final Rejection BOTH =
      Rejection.badFraming("Content-Length together with Transfer-Encoding");
  private static final Rejection TWO_TE = Rejection.badFraming("more than one Transfer-Encoding");
  private static final Rejection NOT_CHUNKED =
      Rejection.badFraming("Transfer-Encoding other than exactly chunked");
  private static final Rejection TE_ON_1_0 =
      Rejection.badFraming("Transfer-Encoding in an HTTP/1.0 request");
  private static final Rejection TWO_CL = Rejection.badFraming("more than one Content-Length");
  private static final Rejection BAD_CL = Rejection.badFraming("malformed Content-Length");

  private final HeadParser head;
  private final ChunkParser chunks;
  private final long maxBody;
  private Rejection everyHead;

  private int phase = HEAD;
  private long remaining;
  private long messageStart;
  private long headEnd = -1;
  private long messageIndex;
  private long lastMessage = -1;
  private Rejection rejection;

  MessageScanner(GuardLimits limits) {
    this.head = new HeadParser(limits.maxRequestTarget(), limits.maxHeaderBytes());
    this.chunks =
        new ChunkParser(
            limits.maxBodyBytes(),
            new HeadParser(limits.maxRequestTarget(), limits.maxHeaderBytes()));
    this.maxBody = limits.maxBodyBytes();
    head.resetForRequest();
  }

  /** From now on every request head that parses is refused with {@code why} (e.g. 429). */
  void rejectEveryHead(Rejection why) {
    everyHead = why;
  }

  /**
   * Scans bytes {@code from} to {@code to} (exclusive) of {@code buf}, the first of which is at
   * absolute offset {@code base}. Returns the rejection, or null if every byte is acceptable so
   * far. Stops early, returning null, when the scanner pauses after an upgrade request: the bytes
   * after {@link #messageStart()} are then not scanned.
   */
  Rejection scan(ByteBuf buf, int from, int to, long base) {
    int i = from;
    while (i < to) {
      switch (phase) {
        case HEAD:
          int stop = buf.forEachByte(i, to - i, head);
          if (stop < 0) {
            return null;
          }
          i = stop + 1;
          if (head.rejection() != null) {
            return fail(head.rejection());
          }
          headEnd = base + (i - from);
          Rejection framing = framing(head.values());
          if (framing != null) {
            return fail(framing);
          }
          if (lastMessage < 0 && !head.values().keepAlive()) {
            lastMessage = messageIndex;
          }
          startBody(base + (i - from));
          break;
        case FIXED_BODY:
          int n = (int) Math.min(remaining, to - i);
          remaining -= n;
          i += n;
          if (remaining == 0) {
            completeMessage(base + (i - from));
          }
          break;
        case CHUNKED_BODY:
          i = chunks.scan(buf, i, to);
          if (chunks.rejection() != null) {
            return fail(chunks.rejection());
          }
          if (chunks.complete()) {
            completeMessage(base + (i - from));
          }
          break;
        default:
          return phase == FAILED ? rejection : null;
      }
    }
    return null;
  }

  /**
   * Continues with the next request after an upgrade request was answered without 101 (or closes,
   * if the upgrade request was the last).
   */
  void resume() {
    if (phase == PAUSED) {
      phase = lastMessage >= 0 ? CLOSED : HEAD;
    }
  }

  /** Paused after an upgrade request; the next message starts at {@link #messageStart()}. */
  boolean paused() {
    return phase == PAUSED;
  }

  /**
   * The last request is complete: the bytes from {@link #messageStart()} on are not a request, and
   * nothing more is scanned.
   */
  boolean closed() {
    return phase == CLOSED;
  }

  /**
   * The index of the last request (the first that said {@code Connection: close}, or HTTP/1.0
   * without keep-alive), known from the end of its head; -1 while there is none.
   */
  long lastMessage() {
    return lastMessage;
  }

  /**
   * Whether the current request is a {@code HEAD}, or was cut before its method was complete (the
   * bytes of it that arrived are the start of {@code HEAD}), so that its answer must have no body.
   * False before a method byte has arrived, and while paused (the bytes after an upgrade request
   * are not parsed).
   */
  boolean maybeHead() {
    return phase != PAUSED && head.values().maybeHead();
  }

  /** Some bytes of a request head have arrived but not all of it. */
  boolean inHead() {
    return phase == HEAD && head.bytes() > 0;
  }

  /** Between the head and the end of a body. */
  boolean inBody() {
    return phase == FIXED_BODY || phase == CHUNKED_BODY;
  }

  /** The current request's head asked for {@code 100-continue}; meaningful in its body. */
  boolean expectsContinue() {
    return head.values().expectContinue;
  }

  /** Where the current message starts, as an absolute offset. */
  long messageStart() {
    return messageStart;
  }

  /** Where the current message's head ends (exclusive), or -1 while it is incomplete. */
  long headEnd() {
    return headEnd;
  }

  /** How many messages came before the current one. */
  long messageIndex() {
    return messageIndex;
  }

  /** The current request's X-Request-Id if one has arrived and is sane, else null. */
  String requestId() {
    return head.values().requestId();
  }

  private Rejection framing(FieldValues v) {
    if (everyHead != null) {
      return everyHead;
    }
    if (v.transferEncodings > 0 && v.contentLengths > 0) {
      return BOTH;
    }
    if (v.transferEncodings > 1) {
      return TWO_TE;
    }
    if (v.transferEncodingMalformed) {
      return NOT_CHUNKED;
    }
    if (v.transferEncodings == 1 && v.minorVersion() == 0) {
      return TE_ON_1_0;
    }
    if (v.contentLengths > 1) {
      return TWO_CL;
    }
    if (v.contentLengthMalformed) {
      return BAD_CL;
    }
    if (maxBody > 0 && v.contentLength > maxBody) {
      return new Rejection(
          Reason.BODY_TOO_LARGE, "Content-Length larger than " + maxBody + " bytes");
    }
    return null;
  }

  private void startBody(long offset) {
    FieldValues v = head.values();
    if (v.chunked()) {
      chunks.reset();
      phase = CHUNKED_BODY;
    } else if (v.contentLength > 0) {
      remaining = v.contentLength;
      phase = FIXED_BODY;
    } else {
      completeMessage(offset);
    }
  }

  private void completeMessage(long next) {
    boolean upgrade = head.values().upgrade;
    boolean last = lastMessage == messageIndex;
    messageStart = next;
    headEnd = -1;
    messageIndex++;
    phase = upgrade ? PAUSED : last ? CLOSED : HEAD;
    head.resetForRequest();
  }

  private Rejection fail(Rejection why) {
    rejection = why;
    phase = FAILED;
    return why;
  }
}
