package dev.edge.observe;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import tools.jackson.databind.json.JsonMapper;

/**
 * The access log: one line per request, the edge's own error responses included. The request path
 * only hands a small record to a bounded lock-free queue ({@link #log}, never blocking: when the
 * queue is full the line is dropped and counted); one daemon thread, {@code edge-access-log},
 * formats and writes in batches, and sleeps 5 ms when there is nothing to write. Query strings are
 * never logged.
 *
 * <p>Human form: {@code 2026-11-22T02:00:00.123Z 1.24ms 200 text/plain 16B GET /hello} (time,
 * duration, status, content type, size, method, path). With {@code --json-logging}: {@code
 * {"t","requestId","app","route","worker","method","path","status","bytes","totalSeconds",
 * "queueSeconds","workerSeconds","ip"}}.
 */
public final class AccessLog {

  /** Lines waiting to be written before new ones are dropped. */
  static final int CAPACITY = 16_384;

  /** How long the writer sleeps when there is nothing to write. */
  static final long IDLE_POLL_MS = 5;

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private final boolean json;
  private final PrintStream out;
  private final Queue<Entry> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final LongAdder dropped = new LongAdder();

  /** Starts the writer thread; lines go to {@code out}. */
  public AccessLog(boolean json, PrintStream out) {
    this.json = json;
    this.out = out;
    Thread writer = new Thread(this::drain, "edge-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  /** Queues one line; never blocks (lock-free; the writer polls). */
  public void log(Entry entry) {
    if (queued.incrementAndGet() > CAPACITY) {
      queued.decrementAndGet();
      dropped.increment();
      return;
    }
    queue.offer(entry);
  }

  /** Lines dropped because the writer could not keep up. */
  public long dropped() {
    return dropped.sum();
  }

  /**
   * One request.
   *
   * @param epochMillis when it arrived
   * @param exchange what the edge learned handling it
   * @param totalNanos arrival to response end
   * @param method the method
   * @param path the path without query
   * @param status the response status
   * @param contentType the response content type, or null
   * @param bytes response body bytes, or -1 when unknown
   * @param client the client's address (formatted by the writer, and only for JSON lines)
   */
  public record Entry(
      long epochMillis,
      Exchange exchange,
      long totalNanos,
      String method,
      String path,
      int status,
      String contentType,
      long bytes,
      SocketAddress client) {}

  private void drain() {
    StringBuilder text = new StringBuilder(64 * 1024);
    while (true) {
      int lines = 0;
      for (Entry entry = queue.poll(); entry != null && lines < 512; entry = queue.poll()) {
        queued.decrementAndGet();
        lines++;
        try {
          text.append(json ? json(entry) : human(entry)).append('\n');
        } catch (RuntimeException e) {
          dropped.increment();
        }
      }
      if (lines > 0) {
        synchronized (out) {
          out.print(text);
          out.flush();
        }
        text.setLength(0);
        continue;
      }
      try {
        Thread.sleep(IDLE_POLL_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  static String human(Entry e) {
    StringBuilder line = new StringBuilder(96);
    Timestamps.append(line, e.epochMillis());
    line.append(' ');
    appendMillis(line, e.totalNanos());
    line.append("ms ").append(e.status()).append(' ');
    line.append(e.contentType() == null ? "-" : e.contentType()).append(' ');
    if (e.bytes() < 0) {
      line.append('-');
    } else {
      line.append(e.bytes()).append('B');
    }
    return line.append(' ').append(e.method()).append(' ').append(e.path()).toString();
  }

  /** Appends {@code nanos} as milliseconds with two decimals ({@code 1.24}), rounded half up. */
  static void appendMillis(StringBuilder line, long nanos) {
    long hundredths = (nanos + 5_000) / 10_000;
    line.append(hundredths / 100).append('.');
    long fraction = hundredths % 100;
    if (fraction < 10) {
      line.append('0');
    }
    line.append(fraction);
  }

  /** The client's IP address as text, or {@code -} when it has none (a Unix socket peer). */
  static String ip(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return "-";
  }

  static String json(Entry e) {
    Exchange x = e.exchange();
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("t", Instant.ofEpochMilli(e.epochMillis()).toString());
    line.put("requestId", x.requestId());
    line.put("app", x.app());
    line.put("route", x.route());
    line.put("worker", x.worker() < 0 ? null : x.worker());
    line.put("method", e.method());
    line.put("path", e.path());
    line.put("status", e.status());
    line.put("bytes", e.bytes() < 0 ? null : e.bytes());
    line.put("totalSeconds", e.totalNanos() / 1e9);
    line.put("queueSeconds", x.queueNanos() < 0 ? null : x.queueNanos() / 1e9);
    line.put("workerSeconds", x.workerNanos() < 0 ? null : x.workerNanos() / 1e9);
    line.put("ip", ip(e.client()));
    return MAPPER.writeValueAsString(line);
  }
}
