package dev.edge.guard;

import dev.edge.EdgeException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The byte-level half of the guard, placed before Reactor Netty's HTTP codec: every inbound byte is
 * scanned by a {@link MessageScanner} before the codec sees it, and only bytes the scanner accepted
 * are passed on (the same buffers or slices of them, never copies). A request head is held until it
 * is complete and valid, and the bytes of one read burst are held until its end, so a request whose
 * head and malformed body arrive together never reaches the codec, let alone a worker.
 *
 * <p>On a violation it forwards the complete requests before the bad one, drops the rest and lets
 * the {@link ResponseTracker} answer once the earlier responses are out (no body for a possible
 * {@code HEAD}). Bytes after a connection's last request are dropped, never answered. It also runs
 * the header timeout (from the connection's start, then from a request's first byte; it reads by
 * itself while a head is incomplete), the body idle timeout (only while the edge asks for bytes,
 * not while a client waits for {@code 100 Continue}), the request deadline (head and body from the
 * first byte; past it {@code 408} if nothing was answered, and close) and the keep-alive idle
 * timeout (from every request answered, or the connection opening, to the next byte). They share
 * one timer per connection, moved only when it fires. All state is confined to the event loop.
 */
final class GuardHandler extends ChannelDuplexHandler {

  private static final Rejection HEAD_TIMEOUT =
      new Rejection(Reason.REQUEST_TIMEOUT, "request head not received in time");
  private static final Rejection REQUEST_DEADLINE =
      new Rejection(Reason.REQUEST_TIMEOUT, "request not received within the request deadline");
  private static final Rejection DATA_AFTER_UPGRADE =
      Rejection.badFraming("data after an upgrade request before its response");

  private final GuardLimits limits;
  private final GuardEvents events;
  private final MessageScanner scanner;
  private final long headerTimeout;
  private final long bodyIdleTimeout;
  private final long idleTimeout;
  private final long requestTimeout;
  private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>(4);
  private ResponseTracker tracker;
  private ChannelHandlerContext ctx;

  private long received;
  private long scanned;
  private long forwarded;
  private boolean passthrough;
  private boolean rejected;

  private ScheduledFuture<?> timer;
  private long timerAt;
  private long headDeadline;
  private long headIndex;
  private long requestDeadline;
  private long requestIndex;
  private long bodyIndex = -1;
  private boolean awaitingContinue;
  private long lastBodyByte;
  private long idleSince;
  private boolean idle;
  private boolean readPending;
  private long readRequested;

  GuardHandler(GuardLimits limits, GuardEvents events) {
    this.limits = limits;
    this.events = events;
    this.scanner = new MessageScanner(limits);
    this.headerTimeout = limits.headerTimeout().toNanos();
    this.bodyIdleTimeout = limits.bodyIdleTimeout().toNanos();
    this.idleTimeout = limits.idleTimeout().toNanos();
    this.requestTimeout = limits.requestTimeout().toNanos();
  }

  void tracker(ResponseTracker tracker) {
    this.tracker = tracker;
  }

  /** Refuses every request on this connection (too many connections from its client). */
  void rejectEveryHead(Rejection why) {
    scanner.rejectEveryHead(why);
  }

  /**
   * Starts the clocks: added when the connection is accepted, or on TLS once the handshake is done.
   */
  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    long now = System.nanoTime();
    headDeadline = now + headerTimeout;
    headIndex = 0;
    requestDeadline = now + requestTimeout;
    requestIndex = 0;
    arm(headDeadline);
    becomeIdle(now); // a connection that never sends is idle too, whichever deadline comes first
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    readPending = false;
    if (rejected || (scanner.closed() && !passthrough)) {
      buf.release(); // after the last request: never a request, never answered
      return;
    }
    idle = false;
    if (passthrough && pending.isEmpty()) {
      ctx.fireChannelRead(buf);
      return;
    }
    if (!buf.isReadable()) {
      buf.release();
      return;
    }
    pending.add(buf);
    received += buf.readableBytes();
    if (passthrough) {
      return;
    }
    if (scanner.paused()) {
      if (received - scanner.messageStart() > limits.maxHeaderBytes()) {
        reject(DATA_AFTER_UPGRADE);
      }
      return;
    }
    scanPending();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!rejected) {
      if (passthrough) {
        forwardUpTo(received);
      } else {
        forwardAccepted();
      }
    }
    ctx.fireChannelReadComplete();
    if (!rejected && !passthrough && scanner.inHead() && !ctx.channel().config().isAutoRead()) {
      // The codec saw nothing of this head, so Reactor Netty will not ask for the rest of it.
      read(ctx);
    }
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    if (!readPending) {
      readPending = true;
      readRequested = System.nanoTime();
    }
    ctx.read();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stop(); // nothing more is read: no timer, no held bytes
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop(); // nothing more is read: no timer, no held bytes
  }

  /** Scans pending bytes; rejects, or updates the timers (an answered upgrade does not pause). */
  private void scanPending() {
    Rejection rejection = scanOnce();
    while (rejection == null
        && scanner.paused()
        && tracker != null
        && tracker.responsesDone() >= scanner.messageIndex()) {
      scanner.resume();
      rejection = scanOnce();
    }
    if (rejection != null) {
      reject(rejection);
    } else {
      updateTimers(System.nanoTime());
    }
  }

  private Rejection scanOnce() {
    long offset = forwarded;
    for (ByteBuf buf : pending) {
      long end = offset + buf.readableBytes();
      if (end > scanned) {
        int from = buf.readerIndex() + (int) (scanned - offset);
        Rejection rejection = scanner.scan(buf, from, buf.writerIndex(), scanned);
        if (rejection != null) {
          return rejection;
        }
        if (scanner.paused() || scanner.closed()) {
          scanned = scanner.messageStart();
          return null;
        }
        scanned = end;
      }
      offset = end;
    }
    return null;
  }

  private void updateTimers(long now) {
    long index = scanner.messageIndex();
    if (scanner.inBody() || scanner.paused()) {
      headDeadline = 0;
    } else if (index != headIndex) {
      headIndex = index;
      headDeadline = scanner.inHead() ? now + headerTimeout : 0;
    } else if (headDeadline == 0 && scanner.inHead()) {
      headDeadline = now + headerTimeout;
    }
    if (headDeadline != 0) {
      arm(headDeadline);
    }
    if (!receiving()) {
      requestDeadline = 0; // received whole (or the connection left HTTP/1): no deadline
    } else if (index != requestIndex || requestDeadline == 0) {
      requestIndex = index;
      requestDeadline = now + requestTimeout; // from the request's first byte
    }
    if (requestDeadline != 0) {
      arm(requestDeadline);
    }
    if (scanner.inBody()) {
      if (bodyIndex != index) {
        bodyIndex = index;
        awaitingContinue = scanner.expectsContinue();
      }
      lastBodyByte = now;
      arm(now + bodyIdleTimeout);
    }
  }

  private void arm(long deadline) {
    if (timer != null && timerAt - deadline <= 0) {
      return;
    }
    if (timer != null) {
      timer.cancel(false);
    }
    timerAt = deadline;
    timer =
        ctx.executor()
            .schedule(
                this::onTimer, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private void onTimer() {
    timer = null;
    if (rejected || passthrough || !ctx.channel().isActive()) {
      return;
    }
    long now = System.nanoTime();
    if (requestDeadline != 0 && now - requestDeadline >= 0 && receiving()) {
      reject(scanner.inHead() ? HEAD_TIMEOUT : REQUEST_DEADLINE);
      return;
    }
    if (idle && now - idleSince >= idleTimeout) {
      events.silentClose(ctx.channel(), "idle for the keep-alive idle timeout");
      ctx.close();
      return;
    }
    if (headDeadline != 0 && now - headDeadline >= 0) {
      if (scanner.inHead()) {
        reject(HEAD_TIMEOUT);
        return;
      } else if (scanner.messageIndex() == 0 && !scanner.inBody() && !scanner.paused()) {
        events.silentClose(ctx.channel(), "no request within the header timeout");
        ctx.close();
        return;
      } else {
        headDeadline = 0;
      }
    }
    if (scanner.inBody() && !awaitingContinue) {
      long silentSince = Math.max(lastBodyByte, readRequested);
      if (readWanted() && now - silentSince >= bodyIdleTimeout) {
        events.bodyTimeout(ctx.channel(), scanner.requestId());
        ctx.close();
        return;
      }
      arm(readWanted() ? silentSince + bodyIdleTimeout : now + bodyIdleTimeout);
    }
    if (headDeadline != 0) {
      arm(headDeadline);
    }
    if (requestDeadline != 0 && receiving()) {
      arm(requestDeadline);
    }
    if (idle) {
      arm(idleSince + idleTimeout);
    }
  }

  /** Starts the keep-alive idle clock: nothing is being read or answered on this connection. */
  private void becomeIdle(long now) {
    idle = true;
    idleSince = now;
    arm(now + idleTimeout); // a no-op while the timer is set for an earlier deadline
  }

  /**
   * Where the bytes the codec may see end: everything scanned, except an incomplete head, which is
   * held until it is complete and valid (so the codec never sees a partial head it could act on
   * when the connection closes).
   */
  private long acceptedEnd() {
    return scanner.inHead() ? scanner.messageStart() : scanned;
  }

  /**
   * Passes on every byte accepted so far. Once the last request is complete (it said {@code
   * Connection: close}, or was HTTP/1.0 without keep-alive) what follows it is dropped here: it is
   * never read as a request, so never answered.
   */
  private void forwardAccepted() {
    forwardUpTo(acceptedEnd());
    if (scanner.closed()) {
      releasePending();
    }
  }

  /** Whether a request is being received (its head or its body). */
  private boolean receiving() {
    return scanner.inHead() || scanner.inBody();
  }

  private boolean readWanted() {
    return readPending || ctx.channel().config().isAutoRead();
  }

  /**
   * Stops passing bytes on: the tracker refused a request the codec already decoded (its Host), or
   * wrote a response that closes the connection, so nothing after it may be read as a request.
   */
  void stop() {
    rejected = true;
    cancelTimer();
    releasePending();
  }

  /** Refuses the current request: forwards the complete ones before it and drops the rest. */
  private void reject(Rejection why) {
    rejected = true;
    cancelTimer();
    forwardUpTo(scanner.messageStart());
    releasePending();
    boolean headUp = scanner.headEnd() >= 0 && scanner.headEnd() <= forwarded;
    tracker.reject(why, scanner.requestId(), headUp, scanner.maybeHead());
  }

  /**
   * Passes bytes up to {@code limit} to the codec. State is updated before each buffer goes up,
   * since the codec may answer at once and come back here (a resumed scan).
   */
  private void forwardUpTo(long limit) {
    while (forwarded < limit && !pending.isEmpty()) {
      ByteBuf buf = pending.peek();
      int length = buf.readableBytes();
      int n = (int) Math.min(length, limit - forwarded);
      ByteBuf out = n == length ? pending.poll() : buf.readRetainedSlice(n);
      forwarded += n;
      ctx.fireChannelRead(out);
    }
  }

  // ---- called by the ResponseTracker, on the event loop ----

  /** A {@code 100 Continue} went out: the client may now send the body, so its idle clock runs. */
  void continueSent() {
    if (awaitingContinue) {
      awaitingContinue = false;
      lastBodyByte = System.nanoTime();
      arm(lastBodyByte + bodyIdleTimeout);
    }
  }

  /** Whether request {@code index} still waits for {@code 100 Continue} (its answer must close). */
  boolean awaitingContinue(long index) {
    return awaitingContinue && scanner.inBody() && scanner.messageIndex() == index;
  }

  /**
   * Whether request number {@code index} (0-based) is the last this connection will read: it said
   * {@code Connection: close} (or was HTTP/1.0 without keep-alive), so its response must close the
   * connection whatever the rest of the edge put on it.
   */
  boolean lastRequest(long index) {
    long last = scanner.lastMessage();
    return last >= 0 && index >= last;
  }

  /**
   * Every response so far is complete: a paused scanner (upgrade refused) goes on scanning, and a
   * connection with no next request under way starts its keep-alive idle clock.
   */
  void responsesComplete() {
    if (rejected || passthrough) {
      return;
    }
    if (scanner.paused()) {
      scanner.resume();
      scanPending();
      if (!rejected) {
        forwardAccepted();
        ctx.fireChannelReadComplete();
      }
    }
    if (!rejected && !scanner.inHead() && !scanner.inBody() && !scanner.paused()) {
      becomeIdle(System.nanoTime());
    }
  }

  /** The connection switched protocols (101): the rest is not HTTP/1 and passes unscanned. */
  void switchedProtocols() {
    passthrough = true;
    cancelTimer();
    ctx.executor()
        .execute(
            () -> {
              if (!pending.isEmpty() && ctx.channel().isActive()) {
                forwardUpTo(received);
                ctx.fireChannelReadComplete();
              }
            });
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void releasePending() {
    while (!pending.isEmpty()) {
      pending.poll().release();
    }
  }
}
