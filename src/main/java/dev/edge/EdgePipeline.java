package dev.edge;

import dev.edge.EdgeException.Reason;
import dev.edge.control.AdminAccess;
import dev.edge.control.ControlEndpoint;
import dev.edge.control.DiagnosticsEndpoint;
import dev.edge.control.MetricsEndpoint;
import dev.edge.edgefile.EdgeConfig.Route;
import dev.edge.edgefile.HeaderRules;
import dev.edge.edgefile.RouteAction;
import dev.edge.guard.RequestGuard;
import dev.edge.observe.AccessLog;
import dev.edge.observe.DashboardEndpoint;
import dev.edge.observe.EdgeMetrics;
import dev.edge.observe.Exchange;
import dev.edge.observe.RequestIds;
import dev.edge.observe.StatusEndpoint;
import dev.edge.proxy.UpstreamProxy;
import dev.edge.proxy.WorkerForwarder;
import dev.edge.ratelimit.ClientAddresses;
import dev.edge.ratelimit.RateLimiter;
import dev.edge.route.HostNames;
import dev.edge.route.Redirects;
import dev.edge.route.RequestPaths;
import dev.edge.route.RouteLimits;
import dev.edge.route.RouteMatch;
import dev.edge.runtime.ActiveConfig;
import dev.edge.runtime.AppRuntime;
import dev.edge.statics.StaticFiles;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The request path, top to bottom, for every request the listener accepts:
 *
 * <ol>
 *   <li>request id: keep the client's sane {@code X-Request-Id} or make one; it goes on every
 *       response;
 *   <li>guard: what the byte-level checks before the codec could not see (Host rules, path encoding
 *       and climbing, body size by {@code Content-Length}) → 4xx ({@link RequestGuard});
 *   <li>built-in endpoints, on every host: {@code /server}, {@code /status} (public); {@code
 *       /diagnostics}, {@code /metrics}, the page under {@code /_edge/}, {@code /control/reload}
 *       (loopback or admin token);
 *   <li>rate limit, when on: {@code 429 rate_limited} over the client's budget ({@link
 *       RateLimiter});
 *   <li>route: read the active config snapshot once (the request finishes on it even if a reload
 *       swaps it meanwhile) and match host, decoded path and method ({@code 404 no_route}, {@code
 *       405});
 *   <li>route limits: the route's own body limit and rate limit, if any ({@link RouteLimits});
 *   <li>action: {@code app} → a worker of the app's pool ({@link WorkerForwarder}: lease, queue or
 *       shed, send, stream back); {@code proxy} → an external upstream ({@link UpstreamProxy});
 *       {@code static} → a file ({@link StaticFiles}); {@code redirect} → {@link Redirects}; the
 *       route's header edits go with each;
 *   <li>errors: anything that failed becomes a problem response in one place ({@link
 *       ErrorResponder});
 *   <li>record: metrics and the access log, once the response is done ({@link EdgeMetrics}, {@link
 *       AccessLog}).
 * </ol>
 */
public final class EdgePipeline {

  /**
   * The status recorded (metrics, access log) for a request whose client went away before any
   * response was sent, as nginx logs it; nothing is sent.
   */
  static final int CLIENT_CLOSED = 499;

  private final Supplier<ActiveConfig> config;
  private final WorkerForwarder workers;
  private final UpstreamProxy upstreams;
  private final StaticFiles files;
  private final BuiltIns builtIns;
  private final ErrorResponder errors;
  private final EdgeMetrics metrics;
  private final AccessLog accessLog;
  private final RateLimiter limiter;
  private final RequestGuard guard;
  private final RouteLimits routeLimits = new RouteLimits();
  private final AtomicInteger active = new AtomicInteger();
  private volatile boolean closing;

  /** Wires the request path; {@code metrics} and {@code accessLog} may be null (turned off). */
  public EdgePipeline(
      Supplier<ActiveConfig> config,
      WorkerForwarder workers,
      UpstreamProxy upstreams,
      StaticFiles files,
      BuiltIns builtIns,
      ErrorResponder errors,
      EdgeMetrics metrics,
      AccessLog accessLog,
      RateLimiter limiter,
      RequestGuard guard) {
    this.config = config;
    this.workers = workers;
    this.upstreams = upstreams;
    this.files = files;
    this.builtIns = builtIns;
    this.errors = errors;
    this.metrics = metrics;
    this.accessLog = accessLog;
    this.limiter = limiter;
    this.guard = guard;
  }

  /**
   * The endpoints the edge answers itself.
   *
   * @param status {@code /server} and {@code /status}
   * @param diagnostics {@code /diagnostics}
   * @param metrics {@code /metrics}, or null when metrics are off
   * @param control {@code /control/reload}
   * @param dashboard the live page under {@code /_edge/}
   * @param access who may use the non-public ones
   */
  public record BuiltIns(
      StatusEndpoint status,
      DiagnosticsEndpoint diagnostics,
      MetricsEndpoint metrics,
      ControlEndpoint control,
      DashboardEndpoint dashboard,
      AdminAccess access) {}

  /** Handles one request; the Reactor Netty server calls this on an event-loop thread. */
  public Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res) {
    enter();
    String requestId = RequestIds.resolve(req.requestHeaders().get(RequestIds.HEADER));
    Exchange exchange = new Exchange(requestId);
    res.header(RequestIds.HEADER, requestId);
    if (closing) {
      res.keepAlive(false);
    }
    Mono<Void> answer;
    try {
      answer = route(req, res, exchange);
    } catch (RuntimeException e) {
      answer = Mono.error(e);
    }
    return answer
        .onErrorResume(error -> respondToError(error, req, res, exchange))
        .doFinally(signal -> finish(req, res, exchange, signal));
  }

  /**
   * A {@link FastPath} for one new connection, sharing this pipeline's forwarder, errors, guard,
   * limiter, metrics and access log.
   *
   * @param clients how to find the client behind trusted proxies, or null when none are trusted
   */
  ChannelHandler newFastPath(ClientAddresses clients) {
    return new FastPath(this, guard, workers, errors, clients);
  }

  /** A request starts (on either path): graceful shutdown waits for it. */
  void enter() {
    active.incrementAndGet();
  }

  /** Whether responses close their connection (the edge is shutting down). */
  boolean closing() {
    return closing;
  }

  /** The active config snapshot: a request reads it once and finishes on it. */
  ActiveConfig config() {
    return config.get();
  }

  /** The rate limiter, or null when rate limiting is off. */
  RateLimiter limiter() {
    return limiter;
  }

  /** Whether {@code rawPath} is one of the endpoints the edge answers itself, on every host. */
  static boolean isBuiltIn(String rawPath) {
    switch (rawPath) {
      case "/server":
      case "/status":
      case "/diagnostics":
      case "/metrics":
      case ControlEndpoint.RELOAD:
        return true;
      default:
        return DashboardEndpoint.owns(rawPath);
    }
  }

  /** Requests being handled right now (waiting, in flight or streaming). */
  public int activeRequests() {
    return active.get();
  }

  /** Closes the connection pools to external upstreams (edge shutdown, after the last request). */
  public void close() {
    upstreams.disposeLater().subscribe();
  }

  /** From now on, responses close their connection instead of keeping it alive. */
  public void closeConnectionsAfterResponse() {
    closing = true;
  }

  private Mono<Void> route(HttpServerRequest req, HttpServerResponse res, Exchange exchange) {
    try {
      guard.check(req);
    } catch (EdgeException e) {
      exchange.rejectionCounted();
      throw e;
    }
    String rawPath = RequestPaths.pathOf(req.uri());
    Mono<Void> builtIn = builtIn(rawPath, req, res);
    if (builtIn != null) {
      exchange.builtIn();
      return builtIn;
    }
    if (limiter != null) {
      limiter.admit(ClientAddresses.peerAddress(req.remoteAddress()), res.responseHeaders());
    }
    ActiveConfig snapshot = config.get();
    RouteMatch match =
        snapshot
            .routes()
            .match(
                HostNames.normalize(req.requestHeaders().get(HttpHeaderNames.HOST)),
                RequestPaths.decode(rawPath),
                req.method().name());
    Route route = match.route();
    long maxBody = route.limits().isNone() ? -1 : routeLimits.enforce(route, req, res);
    HeaderRules headers = route.headers();
    RouteAction action = route.action();
    if (action instanceof RouteAction.ToApp app) {
      exchange.routed(route.field(), app.app());
      AppRuntime runtime = snapshot.apps().get(app.app());
      return workers.forward(
          runtime.pool(), route.timeouts(), req, res, exchange, headers, maxBody);
    }
    exchange.routed(route.field(), null);
    if (action instanceof RouteAction.Proxy proxy) {
      return upstreams.forward(
          proxy,
          route.timeouts(),
          req,
          res,
          exchange.requestId(),
          headers.request(),
          headers.response(),
          maxBody);
    }
    if (action instanceof RouteAction.Static target) {
      return files.serve(target, rawRemainder(rawPath, match), req, res, headers.response());
    }
    return Redirects.send((RouteAction.Redirect) action, req, res, headers.response());
  }

  /** The answer of a built-in endpoint, or null when {@code rawPath} is none. */
  private Mono<Void> builtIn(String rawPath, HttpServerRequest req, HttpServerResponse res) {
    switch (rawPath) {
      case "/server":
        return builtIns.status().server(res);
      case "/status":
        return builtIns.status().status(res);
      case "/diagnostics":
        return admin(req).then(Mono.defer(() -> builtIns.diagnostics().send(res)));
      case "/metrics":
        return builtIns.metrics() == null
            ? null
            : admin(req).then(Mono.defer(() -> builtIns.metrics().send(res)));
      case ControlEndpoint.RELOAD:
        return builtIns.control().reload(req, res);
      default:
        return DashboardEndpoint.owns(rawPath)
            ? admin(req).then(Mono.defer(() -> builtIns.dashboard().serve(rawPath, req, res)))
            : null;
    }
  }

  /** Fails with {@code 403 forbidden} unless the client may use the operator endpoints. */
  private Mono<Void> admin(HttpServerRequest req) {
    if (!builtIns.access().allows(req)) {
      return Mono.error(
          new EdgeException(
              Reason.FORBIDDEN, "this endpoint answers loopback clients or the admin token only"));
    }
    return Mono.empty();
  }

  private Mono<Void> respondToError(
      Throwable error, HttpServerRequest req, HttpServerResponse res, Exchange exchange) {
    Reason reason = ErrorResponder.reasonOf(error, res);
    if (reason != null && !res.hasSentHeaders()) {
      countRejection(exchange, reason);
    }
    return errors.respond(error, req, res, exchange.requestId());
  }

  /** Counts a problem response the edge sends for {@code exchange} (unless counted already). */
  void countRejection(Exchange exchange, Reason reason) {
    if (metrics != null && !exchange.isRejectionCounted()) {
      metrics.rejected(exchange.app(), reason.code());
    }
  }

  private void finish(
      HttpServerRequest req, HttpServerResponse res, Exchange exchange, SignalType signal) {
    int status =
        signal == SignalType.CANCEL && !res.hasSentHeaders() ? CLIENT_CLOSED : res.status().code();
    leave(
        exchange,
        req.method().name(),
        req.uri(),
        status,
        res.responseHeaders(),
        req.remoteAddress());
  }

  /**
   * A request ended (on either path): it stops counting as active, and its metrics and access-log
   * line are recorded from the response {@code headers} that went out.
   */
  void leave(
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
      if (bytes < 0) {
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

  /**
   * The part of the raw (still percent-encoded) path below the route's prefix, which the static
   * action decodes itself; the decoded remainder only when the client encoded the prefix.
   */
  private static String rawRemainder(String rawPath, RouteMatch match) {
    String prefix = match.route().path().prefix() ? match.route().path().path() : "";
    return rawPath.startsWith(prefix) ? rawPath.substring(prefix.length()) : match.remainder();
  }
}
