package dev.edge.hub;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One WebSocket client the hub holds: its id, the upgrade request it came with (its headers go to
 * the app with every event), and two bounded queues.
 *
 * <p><b>Sending</b> writes straight to the connection; what Netty has not yet written counts
 * against {@code sendQueueMessages} and {@code sendQueueBytes}. A message that would pass either
 * bound closes the client with {@code 1013} ("slow consumer") instead of waiting: a client that
 * does not read never slows a fan-out to the others.
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
  private final AtomicInteger queuedMessages = new AtomicInteger();
  private final AtomicLong queuedBytes = new AtomicLong();
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
   * Sends {@code text} (a retained slice the caller gives up) as one text frame; false when the
   * client is gone or was just closed as a slow consumer.
   */
  boolean send(ByteBuf text) {
    int length = text.readableBytes();
    if (closing.get() || !channel.isActive()) {
      text.release();
      return false;
    }
    int messages = queuedMessages.incrementAndGet();
    long bytes = queuedBytes.addAndGet(length);
    if (messages > maxMessages || bytes > maxBytes) {
      queuedMessages.decrementAndGet();
      queuedBytes.addAndGet(-length);
      text.release();
      return false;
    }
    channel
        .writeAndFlush(new TextWebSocketFrame(text))
        .addListener(
            written -> {
              queuedMessages.decrementAndGet();
              queuedBytes.addAndGet(-length);
            });
    return true;
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
      String text = reason.length() > 120 ? reason.substring(0, 120) : reason;
      channel
          .writeAndFlush(new CloseWebSocketFrame(new WebSocketCloseStatus(status, text)))
          .addListener(done -> channel.close());
      channel
          .eventLoop()
          .schedule(() -> channel.close(), CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }
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
