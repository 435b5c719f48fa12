package dev.edge.control;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import dev.edge.acme.AcmeRenewals;
import dev.edge.runtime.ConfigStatus;
import dev.edge.runtime.ReloadAttempt;
import dev.edge.worker.RollingRestart;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * The control API over HTTP, the same on the edge's listeners ({@code /control/*}, for loopback
 * clients or the admin token; {@link #handle}) and on the control socket (whose file mode admits
 * only the edge's user; {@link #serve}). Every operation is {@link ControlOperations}'s; this class
 * only reads the request and writes JSON ({@code application/json}) or, for followed streams, one
 * JSON record per line ({@code application/x-ndjson}). Paths, methods and shapes are listed in
 * {@code docs/edge/CONTRACTS.md} ("Control API"); a refusal is the usual problem response.
 */
public final class ControlEndpoint {

  /** Every control path starts with this. */
  public static final String PREFIX = "/control/";

  /** The reload path. */
  public static final String RELOAD = "/control/reload";

  /** The path that renews ACME certificates now. */
  public static final String RENEW = "/control/certificates/renew";

  private static final String NDJSON = "application/x-ndjson";

  private final ControlOperations ops;
  private final AdminAccess access;
  private final JsonMapper json;
  private final AcmeRenewals renewals;

  /**
   * Wires the endpoints.
   *
   * @param renewals the ACME certificates, or null when ACME is off
   */
  public ControlEndpoint(
      ControlOperations ops, AdminAccess access, JsonMapper json, AcmeRenewals renewals) {
    this.ops = ops;
    this.access = access;
    this.json = json;
    this.renewals = renewals;
  }

  /** Whether {@code rawPath} is a control path. */
  public static boolean owns(String rawPath) {
    return rawPath.startsWith(PREFIX);
  }

  /** A request on the edge's listeners: loopback clients or the admin token only. */
  public Mono<Void> handle(String rawPath, HttpServerRequest req, HttpServerResponse res) {
    if (!access.allows(req)) {
      throw new EdgeException(
          Reason.FORBIDDEN, "control endpoints answer loopback clients or the admin token only");
    }
    if (!HttpMethod.GET.equals(req.method())
        && !HttpMethod.HEAD.equals(req.method())
        && !access.allowsChange(req)) {
      throw new EdgeException(
          Reason.FORBIDDEN,
          "a control request from a web page (it has an Origin header) needs the admin token");
    }
    return serve(rawPath, req, res);
  }

  /** A request whose client may use the control API (the control socket's). */
  public Mono<Void> serve(String rawPath, HttpServerRequest req, HttpServerResponse res) {
    Map<String, List<String>> query = new QueryStringDecoder(req.uri()).parameters();
    String rest = rawPath.startsWith(PREFIX) ? rawPath.substring(PREFIX.length()) : "";
    switch (rest) {
      case "status":
        method(req, rawPath, HttpMethod.GET);
        return send(res, 200, ops.status());
      case "apps":
        method(req, rawPath, HttpMethod.GET);
        return later(res, ops.apps().thenApply(doc -> reply(200, doc)));
      case "events":
        method(req, rawPath, HttpMethod.GET);
        return flag(query, "follow")
            ? stream(res, ops.followEvents(number(query, "since", -1)))
            : send(res, 200, ops.events(number(query, "since", 0)));
      case "reload":
        method(req, rawPath, HttpMethod.POST);
        return later(res, ops.reload().thenApply(ControlEndpoint::reloaded));
      case "certificates/renew":
        method(req, rawPath, HttpMethod.POST);
        return renew(res, query);
      case "stop":
        method(req, rawPath, HttpMethod.POST);
        return stop(res, query);
      default:
        break;
    }
    String[] parts = rest.split("/", -1);
    if (parts.length == 3 && parts[0].equals("apps") && !parts[1].isEmpty()) {
      String app = QueryStringDecoder.decodeComponent(parts[1]);
      switch (parts[2]) {
        case "logs":
          method(req, rawPath, HttpMethod.GET);
          return logs(res, app, query);
        case "restart":
          method(req, rawPath, HttpMethod.POST);
          return later(res, ops.restart(app).thenApply(outcome -> rolled(app, outcome)));
        case "stop":
          method(req, rawPath, HttpMethod.POST);
          return later(res, ops.stopApp(app).thenApply(count -> stopped(app, count)));
        case "start":
          method(req, rawPath, HttpMethod.POST);
          if (!ops.stopped(app)) {
            return send(res, 200, ordered("app", app, "state", "running", "started", false));
          }
          return later(res, ops.startApp(app).thenApply(outcome -> started(app, outcome)));
        default:
          break;
      }
    }
    throw new EdgeException(Reason.NOT_FOUND, "no control endpoint " + rawPath);
  }

  private Mono<Void> logs(HttpServerResponse res, String app, Map<String, List<String>> query) {
    long worker = number(query, "worker", -1);
    if (flag(query, "follow")) {
      return stream(res, ops.followLogs(app, worker, number(query, "since", -1)));
    }
    int lines = (int) Math.min(number(query, "lines", ControlOperations.MAX_LINES), 1_000_000);
    return send(res, 200, ops.logs(app, worker, number(query, "since", 0), lines));
  }

  private Mono<Void> renew(HttpServerResponse res, Map<String, List<String>> query) {
    if (renewals == null) {
      throw new EdgeException(Reason.NOT_FOUND, "ACME is off (start the edge with --acme)");
    }
    List<String> domain = query.get("domain");
    List<String> renewing = renewals.renewNow(domain == null ? null : domain.get(0));
    if (renewing.isEmpty()) {
      throw new EdgeException(
          Reason.NOT_FOUND,
          "no managed certificate for " + (domain == null ? "any name" : domain.get(0)));
    }
    return send(res, 202, Map.of("renewing", renewing));
  }

  /** Answers {@code 202}, then begins the graceful shutdown once the answer is written. */
  private Mono<Void> stop(HttpServerResponse res, Map<String, List<String>> query) {
    long seconds = number(query, "timeout", -1);
    if (seconds == 0 || seconds > 3600) {
      throw new EdgeException(Reason.BAD_PATH, "timeout must be 1-3600 seconds");
    }
    Duration grace = ops.grace(seconds < 0 ? null : Duration.ofSeconds(seconds));
    Map<String, Object> doc =
        ordered(
            "stopping", true, "pid", ProcessHandle.current().pid(), "timeoutMs", grace.toMillis());
    res.keepAlive(false);
    return send(res, 202, doc).then(Mono.fromRunnable(() -> ops.stopEdge(grace)));
  }

  private static Reply reloaded(ReloadAttempt attempt) {
    boolean ok =
        attempt.result() == ReloadAttempt.Result.APPLIED
            || attempt.result() == ReloadAttempt.Result.UNCHANGED;
    return reply(ok ? 200 : 422, ConfigStatus.attempt(attempt));
  }

  private static Reply rolled(String app, RollingRestart.Outcome outcome) {
    return reply(
        outcome.completed() ? 200 : 422,
        ordered(
            "app",
            app,
            "completed",
            outcome.completed(),
            "generation",
            outcome.generation(),
            "durationMs",
            outcome.durationMs(),
            "reason",
            outcome.reason()));
  }

  private static Reply stopped(String app, int count) {
    return reply(200, ordered("app", app, "state", "stopped", "stopped", count));
  }

  private Reply started(String app, RollingRestart.Outcome outcome) {
    Map<String, Object> doc =
        ordered("app", app, "state", ops.stopped(app) ? "stopped" : "running");
    doc.put("started", outcome.completed());
    doc.put("generation", outcome.generation());
    doc.put("durationMs", outcome.durationMs());
    doc.put("reason", outcome.reason());
    return reply(outcome.completed() ? 200 : 422, doc);
  }

  /** A status and a JSON document, to be written once a future completes. */
  private record Reply(int status, Object doc) {}

  private static Reply reply(int status, Object doc) {
    return new Reply(status, doc);
  }

  /**
   * Writes what {@code future} completes with from the connection's own event loop (a response
   * completed from another thread races the next request on a kept-alive connection).
   */
  private Mono<Void> later(HttpServerResponse res, CompletableFuture<Reply> future) {
    return Mono.fromFuture(future)
        .publishOn(Schedulers.fromExecutor(((Connection) res).channel().eventLoop()))
        .flatMap(reply -> send(res, reply.status(), reply.doc()));
  }

  private Mono<Void> send(HttpServerResponse res, int status, Object doc) {
    return res.status(status)
        .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .header(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .sendString(Mono.just(json.writeValueAsString(doc)))
        .then();
  }

  /**
   * One JSON record per line, each flushed as it comes, until the stream ends or the client goes.
   */
  private Mono<Void> stream(HttpServerResponse res, Flux<Map<String, Object>> records) {
    res.keepAlive(false);
    Flux<ByteBuf> lines =
        records.map(
            record ->
                Unpooled.wrappedBuffer(
                    (json.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8)));
    return res.status(200)
        .header(HttpHeaderNames.CONTENT_TYPE, NDJSON)
        .header(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .send(lines, line -> true)
        .then();
  }

  private static void method(HttpServerRequest req, String path, HttpMethod expected) {
    if (!req.method().equals(expected)) {
      throw new EdgeException(
          Reason.METHOD_NOT_ALLOWED,
          path + " takes " + expected.name(),
          Map.of("Allow", expected.name()));
    }
  }

  private static boolean flag(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    if (values == null) {
      return false;
    }
    String value = values.get(0);
    if (value.isEmpty() || value.equals("1") || value.equals("true")) {
      return true;
    }
    if (value.equals("0") || value.equals("false")) {
      return false;
    }
    throw new EdgeException(Reason.BAD_PATH, name + " must be 1, true, 0 or false");
  }

  private static long number(Map<String, List<String>> query, String name, long fallback) {
    List<String> values = query.get(name);
    if (values == null) {
      return fallback;
    }
    try {
      long value = Long.parseLong(values.get(0));
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new EdgeException(
        Reason.BAD_PATH, name + " must be a whole number 0 or more, not " + values.get(0));
  }

  private static Map<String, Object> ordered(Object... pairs) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      map.put((String) pairs[i], pairs[i + 1]);
    }
    return map;
  }
}
