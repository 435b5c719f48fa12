package dev.edge;

import dev.edge.control.ControlEndpoint;
import dev.edge.edgefile.EdgeConfig.Route;
import dev.edge.edgefile.HeaderRules;
import dev.edge.edgefile.RouteAction;
import dev.edge.guard.RequestGuard;
import dev.edge.observe.RequestIds;
import dev.edge.observe.StatusEndpoint;
import dev.edge.proxy.UpstreamProxy;
import dev.edge.proxy.WorkerForwarder;
import dev.edge.route.HostNames;
import dev.edge.route.Redirects;
import dev.edge.route.RequestPaths;
import dev.edge.route.RouteMatch;
import dev.edge.runtime.ActiveConfig;
import dev.edge.runtime.AppRuntime;
import dev.edge.statics.StaticFiles;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The request path, top to bottom, for every request the listener accepts:
 *
 * <ol>
 *   <li>request id: keep the client's sane {@code X-Request-Id} or make one; it goes on every
 *       response;
 *   <li>built-in endpoints, on every host: {@code /server}, {@code /status}, {@code
 *       /control/reload};
 *   <li>route: read the active config snapshot once (the request finishes on it even if a reload
 *       swaps it meanwhile) and match host, decoded path and method ({@code 404 no_route}, {@code
 *       405});
 *   <li>action: {@code app} → a worker of the app's pool ({@link WorkerForwarder}: lease, queue or
 *       shed, send, stream back); {@code proxy} → an external upstream ({@link UpstreamProxy});
 *       {@code static} → a file ({@link StaticFiles}); {@code redirect} → {@link Redirects}; the
 *       route's header edits go with each;
 *   <li>errors: anything that failed becomes a problem response in one place ({@link
 *       ErrorResponder}).
 * </ol>
 */
public final class EdgePipeline {

  private final Supplier<ActiveConfig> config;
  private final WorkerForwarder workers;
  private final UpstreamProxy upstreams;
  private final StaticFiles files;
  private final StatusEndpoint status;
  private final ControlEndpoint control;
  private final ErrorResponder errors;
  private final RequestGuard guard;
  private final AtomicInteger active = new AtomicInteger();
  private volatile boolean closing;

  /** Wires the request path. */
  public EdgePipeline(
      Supplier<ActiveConfig> config,
      WorkerForwarder workers,
      UpstreamProxy upstreams,
      StaticFiles files,
      StatusEndpoint status,
      ControlEndpoint control,
      ErrorResponder errors,
      RequestGuard guard) {
    this.config = config;
    this.workers = workers;
    this.upstreams = upstreams;
    this.files = files;
    this.status = status;
    this.control = control;
    this.errors = errors;
    this.guard = guard;
  }

  /** Handles one request; the Reactor Netty server calls this on an event-loop thread. */
  public Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res) {
    active.incrementAndGet();
    String requestId = RequestIds.resolve(req.requestHeaders().get(RequestIds.HEADER));
    res.header(RequestIds.HEADER, requestId);
    if (closing) {
      res.keepAlive(false);
    }
    Mono<Void> answer;
    try {
      answer = route(req, res, requestId);
    } catch (RuntimeException e) {
      answer = Mono.error(e);
    }
    return answer
        .onErrorResume(error -> errors.respond(error, req, res, requestId))
        .doFinally(signal -> active.decrementAndGet());
  }

  /** Requests being handled right now (waiting, in flight or streaming). */
  public int activeRequests() {
    return active.get();
  }

  /** From now on, responses close their connection instead of keeping it alive. */
  public void closeConnectionsAfterResponse() {
    closing = true;
  }

  private Mono<Void> route(HttpServerRequest req, HttpServerResponse res, String requestId) {
    guard.check(req);
    String rawPath = RequestPaths.pathOf(req.uri());
    switch (rawPath) {
      case "/server":
        return status.server(res);
      case "/status":
        return status.status(res);
      case ControlEndpoint.RELOAD:
        return control.reload(req, res);
      default:
        break;
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
    HeaderRules headers = route.headers();
    RouteAction action = route.action();
    if (action instanceof RouteAction.ToApp app) {
      AppRuntime runtime = snapshot.apps().get(app.app());
      return workers.forward(
          runtime.pool(), runtime.app().timeouts(), route.timeouts(), req, res, requestId, headers);
    }
    if (action instanceof RouteAction.Proxy proxy) {
      return upstreams.forward(
          proxy, route.timeouts(), req, res, requestId, headers.request(), headers.response());
    }
    if (action instanceof RouteAction.Static target) {
      return files.serve(target, rawRemainder(rawPath, match), req, res, headers.response());
    }
    return Redirects.send((RouteAction.Redirect) action, req, res, headers.response());
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
