package dev.edge;

import dev.edge.EdgeException.Reason;
import dev.edge.observe.AccessLog;
import dev.edge.observe.EdgeMetrics;
import dev.edge.observe.Exchange;
import dev.edge.route.RequestPaths;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The life of every exchange, whichever lane carries it: it starts ({@link #enter}), a refusal is
 * counted once ({@link #countRejection}), and it ends ({@link #leave}) with one metrics record and
 * one access-log line from the status and bytes that actually went out. Also owns the edge's
 * "closing" state (graceful shutdown): from then on responses close their connection.
 */
public final class ExchangeRecorder {

  /**
   * The status recorded (metrics, access log) for a request whose client went away before any
   * response was sent, as nginx logs it; nothing is sent.
   */
  public static final int CLIENT_CLOSED = 499;

  private final EdgeMetrics metrics;
  private final AccessLog accessLog;
  private final AtomicInteger active = new AtomicInteger();
  private volatile boolean closing;

  /** A recorder writing to {@code metrics} and {@code accessLog}, either of which may be null. */
  public ExchangeRecorder(EdgeMetrics metrics, AccessLog accessLog) {
    this.metrics = metrics;
    this.accessLog = accessLog;
  }

  /** A request starts: graceful shutdown waits for it. */
  public void enter() {
    active.incrementAndGet();
  }

  /** Requests being handled right now (waiting, in flight or streaming). */
  public int activeRequests() {
    return active.get();
  }

  /** Whether responses close their connection (the edge is shutting down). */
  boolean closing() {
    return closing;
  }

  /** From now on, responses close their connection instead of keeping it alive. */
  public void closeConnectionsAfterResponse() {
    closing = true;
  }

  /** Counts a problem response the edge sends for {@code exchange} (unless counted already). */
  void countRejection(Exchange exchange, Reason reason) {
    if (metrics != null && !exchange.isRejectionCounted()) {
      metrics.rejected(exchange.app(), reason.code());
    }
  }

  /**
   * A request ended: it stops counting as active, and its metrics and access-log line are recorded
   * from the status and the response {@code headers} that went out ({@link #CLIENT_CLOSED} when the
   * client left before any response head was sent).
   */
  public void leave(
      Exchange exchange,
      String method,
      String uri,
      int status,
      HttpHeaders headers,
      SocketAddress client) {
    active.decrementAndGet();
    long total = System.nanoTime() - exchange.startNanos();
    if (metrics != null && !exchange.isBuiltIn()) {
      metrics.record(exchange, method, status, total);
    }
    if (accessLog != null) {
      long bytes = exchange.bytes();
      if (bytes < 0 && status != CLIENT_CLOSED) {
        String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        bytes = length == null ? -1 : parseLength(length);
      }
      accessLog.log(
          new AccessLog.Entry(
              System.currentTimeMillis(),
              exchange,
              total,
              method,
              RequestPaths.pathOf(uri),
              status,
              headers.get(HttpHeaderNames.CONTENT_TYPE),
              bytes,
              client));
    }
  }

  private static long parseLength(String length) {
    try {
      return Long.parseLong(length);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
