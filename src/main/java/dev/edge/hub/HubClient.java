package dev.edge.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One WebSocket client the hub holds: its id, the upgrade request it came with (its headers go to
 * the app with every event), and two bounded queues.
 *
 * <p><b>Sending</b> queues encoded frames on the client, and its loop's {@link Outbox} writes them
 * in batches; queued frames and what the socket has not yet taken count against {@code
 * sendQueueMessages} and {@code sendQueueBytes}. A message that would pass either bound closes the
 * client with {@code 1013} ("slow consumer") instead of waiting: a client that does not read never
 * slows a fan-out to the others. The send queue is confined to the client's event loop.
 *
 * <p><b>Events</b> to the app go one at a time, in order: {@link #enqueue} starts an event when
 * none is outstanding and queues it otherwise, up to {@code eventQueue}; past that the client is
 * closed with {@code 1013} and a reason, so no event is dropped silently.
 */
final class HubClient {

  /** The longest a close frame may wait behind unwritten messages before the socket is closed. */
  static final java.time.Duration CLOSE_GRACE = java.time.Duration.ofSeconds(1);

  /** One event for the app. */
  record Event(String frame, byte[] body) {}

  final String id;
  final Channel channel;
  final String app;
  final String query;
  final HttpHeaders headers;
  final SocketAddress address;
  private final int maxMessages;
  private final long maxBytes;
  private final int eventQueue;
  private final Outbox outbox;
  private long[] pending = new long[8]; // frame numbers in the loop's FrameRing
  private int pendingCount;
  private long pendingBytes;
  private boolean marked;
  private int unwrittenMessages;
  private long unwrittenBytes;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final Deque<Event> events = new ArrayDeque<>();
  private boolean eventOutstanding;
  private double tokens;
  private long refilledNanos = System.nanoTime();
  private final int messageRate;
  volatile long lastHeardNanos = System.nanoTime();

  /** The offset the client says it has seen ({@code ?since=}), or -1: no catch-up. */
  final long since;

  /** Offsets sent to it while catching up (guarded by the hub's lock). */
  final java.util.Set<Long> caughtUp = new java.util.HashSet<>();

  /** Whether it was told it cannot catch up (guarded by the hub's lock). */
  boolean resetSent;

  HubClient(
      String id,
      Channel channel,
      Outbox outbox,
      String app,
      String query,
      HttpHeaders headers,
      SocketAddress address,
      int maxMessages,
      long maxBytes,
      int eventQueue,
      int messageRate,
      long since) {
    this.id = id;
    this.channel = channel;
    this.outbox = outbox;
    this.app = app;
    this.query = query;
    this.headers = headers;
    this.address = address;
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
    this.eventQueue = eventQueue;
    this.messageRate = messageRate;
    this.tokens = messageRate;
    this.since = since;
  }

  /**
   * Queues frame {@code number} of its loop's {@link FrameRing} behind the client's other frames;
   * the loop's {@link Outbox} writes them. False when the client is gone or closing, or when the
   * frame would pass the send queue's bounds even once what is queued has been handed to the socket
   * (the caller then closes it as a slow consumer). Call on the client's loop.
   */
  boolean offer(long number) {
    if (closing.get() || !channel.isActive()) {
      return false;
    }
    FrameRing ring = outbox.frames();
    int length = ring.length(number);
    if (full(length)) {
      flushPending(); // what the socket takes now no longer counts
      if (full(length)) {
        return false;
      }
    }
    if (!marked) {
      marked = true;
      outbox.mark(this);
    }
    if (pendingCount == pending.length) {
      pending = java.util.Arrays.copyOf(pending, pending.length * 2);
    }
    pending[pendingCount++] = number;
    ring.hold(number);
    pendingBytes += length;
    return true;
  }

  private boolean full(int length) {
    return pendingCount + unwrittenMessages >= maxMessages
        || pendingBytes + unwrittenBytes + length > maxBytes;
  }

  /** The outbox's turn: writes what is queued. */
  void flushMarked() {
    marked = false;
    flushPending();
  }

  /**
   * Writes every queued frame and flushes once: several frames go out as one composite message, in
   * one gathering write; what the socket has not taken yet still counts against the send queue
   * until that write completes. Call on the client's loop.
   */
  void flushPending() {
    int messages = pendingCount;
    if (messages == 0) {
      return;
    }
    long bytes = pendingBytes;
    FrameRing ring = outbox.frames();
    pendingCount = 0;
    pendingBytes = 0;
    if (!channel.isActive()) {
      for (int i = 0; i < messages; i++) {
        ring.drop(pending[i]);
      }
      return;
    }
    unwrittenMessages += messages;
    unwrittenBytes += bytes;
    ByteBuf out;
    if (messages == 1) {
      out = ring.take(pending[0]);
    } else {
      // one message through the pipeline and the outbound buffer; still one iovec per frame
      CompositeByteBuf frames = channel.alloc().compositeDirectBuffer(messages);
      for (int i = 0; i < messages; i++) {
        frames.addComponent(true, ring.take(pending[i]));
      }
      out = frames;
    }
    channel
        .writeAndFlush(out)
        .addListener(
            written -> {
              unwrittenMessages -= messages;
              unwrittenBytes -= bytes;
            });
  }

  /** The outbox of the client's event loop. */
  Outbox outbox() {
    return outbox;
  }

  /** Whether the connection is open and not being closed by the edge. */
  boolean open() {
    return channel.isActive() && !closing.get();
  }

  /**
   * Closes the connection with {@code status} and {@code reason} (once): the close frame goes out
   * behind what is queued, and the connection closes once it is written, or after {@link
   * #CLOSE_GRACE} at the latest (a client that does not read never takes it).
   */
  void close(int status, String reason) {
    if (closing.compareAndSet(false, true)) {
      EventLoop loop = channel.eventLoop();
      if (loop.inEventLoop()) {
        closeNow(status, reason);
      } else {
        loop.execute(() -> closeNow(status, reason));
      }
    }
  }

  private void closeNow(int status, String reason) {
    flushPending();
    String text = reason.length() > 120 ? reason.substring(0, 120) : reason;
    channel
        .writeAndFlush(new CloseWebSocketFrame(new WebSocketCloseStatus(status, text)))
        .addListener(done -> channel.close());
    channel
        .eventLoop()
        .schedule(() -> channel.close(), CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Whether a close was started by the edge. */
  boolean closing() {
    return closing.get();
  }

  /** Takes one message from the rate bucket; false when the client sends faster than allowed. */
  synchronized boolean admitMessage() {
    long now = System.nanoTime();
    tokens = Math.min(messageRate, tokens + (now - refilledNanos) * messageRate / 1e9);
    refilledNanos = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  /**
   * Queues {@code event} behind the outstanding one, or returns it to be sent now (when none is
   * outstanding). Returns null when it was queued; throws {@link IllegalStateException} when the
   * queue is full.
   */
  synchronized Event enqueue(Event event) {
    if (!eventOutstanding) {
      eventOutstanding = true;
      return event;
    }
    if (events.size() >= eventQueue) {
      throw new IllegalStateException("more than " + eventQueue + " events waiting for the app");
    }
    events.add(event);
    return null;
  }

  /** The outstanding event is done: the next one to send, or null (none waiting). */
  synchronized Event next() {
    Event next = events.poll();
    eventOutstanding = next != null;
    return next;
  }

  /** Events queued behind the outstanding one. */
  synchronized int waitingEvents() {
    return events.size();
  }
}
