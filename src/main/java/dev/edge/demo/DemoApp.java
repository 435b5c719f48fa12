package dev.edge.demo;

import dev.edge.sdk.EdgeWorker;
import dev.edge.sdk.RealtimeEvent;
import dev.edge.sdk.WorkerEnvironment;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The built-in demo app: what the edge serves when no app jar is given, and the fixture for tests
 * and benchmarks. It runs in child JVMs through the worker SDK.
 *
 * <p>Endpoints: {@code GET /} (HTML), {@code GET /hello}, {@code GET /bytes?n=N}, {@code GET
 * /sleep?ms=N}, {@code POST /echo}, {@code GET /worker} (JSON), {@code GET /crash}, and {@code GET
 * /headers} (the request headers as the worker received them, for proxy tests), {@code GET
 * /redirect} (a 302 to {@code /hello}), and the realtime chat: {@code GET /chat} (the page) and
 * {@code POST /v1/realtime} (its WebSocket events, see {@link DemoRealtime}).
 */
public final class DemoApp {

  /** Largest body {@code /bytes} produces: 1 GiB. */
  static final long MAX_BYTES = 1L << 30;

  private static final int CHUNK = 64 * 1024;
  private static final ByteBuf FILLER =
      Unpooled.unreleasableBuffer(
          Unpooled.directBuffer(CHUNK)
              .writeBytes("x".repeat(CHUNK).getBytes(StandardCharsets.US_ASCII)));
  private static final String HELLO = "hello from edge\n";
  private static final String PAGE =
      "<!doctype html><html><head><meta charset=\"utf-8\"><title>edge demo</title></head>"
          + "<body><h1>edge demo app</h1><p>Served by an edge worker.</p>"
          + "<ul><li><a href=\"/hello\">/hello</a></li><li><a href=\"/worker\">/worker</a></li>"
          + "<li><a href=\"/chat\">/chat</a> (realtime)</li>"
          + "<li><a href=\"/status\">/status</a></li></ul></body></html>\n";

  private final WorkerEnvironment env;

  DemoApp(WorkerEnvironment env) {
    this.env = env;
  }

  /** Entry point of a demo worker process. */
  public static void main(String[] args) {
    WorkerEnvironment env = WorkerEnvironment.current();
    DemoApp app = new DemoApp(env);
    System.out.println(
        "demo worker "
            + env.workerId()
            + " (pid "
            + ProcessHandle.current().pid()
            + ") listening on "
            + (env.socketPath() != null ? env.socketPath() : "127.0.0.1:" + env.port()));
    EdgeWorker.serve(app::handle);
  }

  Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res) {
    QueryStringDecoder query = new QueryStringDecoder(req.uri());
    String path = query.path();
    HttpMethod method = req.method();
    boolean read = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
    if (path.equals("/echo") && method.equals(HttpMethod.POST)) {
      return echo(req, res);
    }
    if (path.equals(RealtimeEvent.PATH) && method.equals(HttpMethod.POST)) {
      return DemoRealtime.handle(req, res, query);
    }
    if (path.equals("/upload") && method.equals(HttpMethod.POST)) {
      // reads the whole body before answering, as most apps do: "<bytes>\n"
      return req.receive()
          .map(ByteBuf::readableBytes)
          .reduce(0L, Long::sum)
          .flatMap(n -> Mono.from(text(res, n + "\n")));
    }
    if (!read) {
      return text(res.status(405), "method not allowed\n");
    }
    switch (path) {
      case "/":
        return res.header(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
            .sendString(Mono.just(PAGE));
      case "/hello":
        return text(res, HELLO);
      case "/chat":
        return DemoRealtime.chat(res);
      case "/bytes":
        return bytes(res, number(query, "n", 0, MAX_BYTES));
      case "/sleep":
        long ms = number(query, "ms", 0, 600_000);
        return ms < 0
            ? text(res.status(400), "ms: expected 0..600000\n")
            : Mono.delay(Duration.ofMillis(ms))
                .then(Mono.defer(() -> Mono.from(text(res, "slept " + ms + " ms\n"))));
      case "/events":
        return events(res, query);
      case "/redirect":
        return res.status(302).header(HttpHeaderNames.LOCATION, "/hello").send();
      case "/headers":
        return text(res, headerLines(req));
      case "/worker":
        return res.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
            .sendString(Mono.just(workerJson()));
      case "/crash":
        Runtime.getRuntime().halt(1);
        return Mono.empty();
      default:
        return text(res.status(404), "not found\n");
    }
  }

  private Publisher<Void> echo(HttpServerRequest req, HttpServerResponse res) {
    String type =
        req.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
    String length = req.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
    res.header(HttpHeaderNames.CONTENT_TYPE, type);
    if (length != null) {
      res.header(HttpHeaderNames.CONTENT_LENGTH, length);
    }
    return res.send(req.receive().retain());
  }

  private static Publisher<Void> bytes(HttpServerResponse res, long n) {
    if (n < 0) {
      return text(res.status(400), "n: expected 0.." + MAX_BYTES + "\n");
    }
    res.header(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream")
        .header(HttpHeaderNames.CONTENT_LENGTH, Long.toString(n));
    Flux<ByteBuf> chunks =
        Flux.generate(
            () -> n,
            (left, sink) -> {
              if (left <= 0) {
                sink.complete();
                return 0L;
              }
              int size = (int) Math.min(CHUNK, left);
              sink.next(FILLER.retainedSlice(0, size));
              return left - size;
            });
    return res.send(chunks);
  }

  /**
   * {@code n} events (default 3), {@code ms} apart (default 300), each flushed as it is made: a
   * {@code text/event-stream}, or with {@code accel=no} plain text saying {@code X-Accel-Buffering:
   * no}; both are the responses the edge streams instead of buffering.
   */
  private static Publisher<Void> events(HttpServerResponse res, QueryStringDecoder query) {
    long n = number(query, "n", 3, 1000);
    long ms = number(query, "ms", 300, 60_000);
    if (n < 0 || ms < 0) {
      return text(res.status(400), "n: expected 0..1000, ms: expected 0..60000\n");
    }
    List<String> accel = query.parameters().getOrDefault("accel", List.of());
    if (accel.contains("no")) {
      res.header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
          .header("X-Accel-Buffering", "no");
    } else {
      res.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
    }
    Flux<String> events =
        Flux.range(1, (int) n)
            .delayElements(Duration.ofMillis(ms))
            .map(i -> "data: event " + i + "\n\n");
    return res.sendString(events.startWith(": stream\n\n"), StandardCharsets.UTF_8);
  }

  static Publisher<Void> text(HttpServerResponse res, String body) {
    return res.header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .sendString(Mono.just(body));
  }

  /** Reads a non-negative number parameter; -1 if it is malformed or out of range. */
  private static long number(QueryStringDecoder query, String name, long fallback, long max) {
    List<String> values = query.parameters().get(name);
    if (values == null || values.isEmpty()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(values.get(0));
      return value < 0 || value > max ? -1 : value;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The request headers as received, one {@code name: value} line each, in order. */
  private static String headerLines(HttpServerRequest req) {
    StringBuilder out = new StringBuilder();
    req.requestHeaders()
        .forEach(
            header ->
                out.append(header.getKey().toLowerCase(java.util.Locale.ROOT))
                    .append(": ")
                    .append(header.getValue())
                    .append('\n'));
    return out.toString();
  }

  private String workerJson() {
    return "{\"workerId\":"
        + env.workerId()
        + ",\"pid\":"
        + ProcessHandle.current().pid()
        + ",\"appId\":\""
        + env.appId()
        + "\""
        + ",\"generation\":"
        + env.generation()
        + ",\"requests\":"
        + EdgeWorker.requestsHandled()
        + "}";
  }
}
