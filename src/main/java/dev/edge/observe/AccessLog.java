package dev.edge.observe;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import tools.jackson.databind.json.JsonMapper;

/**
 * The access log: one line per request, the edge's own error responses included. The request path
 * only hands a small record to a bounded queue ({@link #log}, never blocking: when the queue is
 * full the line is dropped and counted); one daemon thread, {@code edge-access-log}, formats and
 * writes. Query strings are never logged.
 *
 * <p>Human form: {@code 2026-11-22T02:00:00.123Z 1.24ms 200 text/plain 16B GET /hello} (time,
 * duration, status, content type, size, method, path). With {@code --json-logging}: {@code
 * {"t","requestId","app","route","worker","method","path","status","bytes","totalSeconds",
 * "queueSeconds","workerSeconds","ip"}}.
 */
public final class AccessLog {

  /** Lines waiting to be written before new ones are dropped. */
  static final int CAPACITY = 16_384;

  private final boolean json;
  private final PrintStream out;
  private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final LongAdder dropped = new LongAdder();
  private final JsonMapper mapper = JsonMapper.builder().build();

  /** Starts the writer thread; lines go to {@code out}. */
  public AccessLog(boolean json, PrintStream out) {
    this.json = json;
    this.out = out;
    Thread writer = new Thread(this::drain, "edge-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  /** Queues one line; never blocks. */
  public void log(Entry entry) {
    if (!queue.offer(entry)) {
      dropped.increment();
    }
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
   * @param ip the client address
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
      String ip) {}

  private void drain() {
    List<Entry> batch = new ArrayList<>(256);
    while (true) {
      try {
        Entry first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, 255);
        StringBuilder text = new StringBuilder(batch.size() * 96);
        for (Entry entry : batch) {
          text.append(json ? json(entry) : human(entry)).append('\n');
        }
        batch.clear();
        synchronized (out) {
          out.print(text);
          out.flush();
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        batch.clear();
        dropped.increment();
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

  String json(Entry e) {
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
    line.put("ip", e.ip());
    return mapper.writeValueAsString(line);
  }
}
