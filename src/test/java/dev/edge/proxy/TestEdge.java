package dev.edge.proxy;

import dev.edge.ErrorResponder;
import dev.edge.edgefile.HeaderRules.Edits;
import dev.edge.edgefile.RouteAction;
import dev.edge.edgefile.Timeouts;
import dev.edge.observe.RequestIds;
import dev.edge.sdk.EdgeWorker;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** A real edge listener on a free port whose every request goes through {@link UpstreamProxy}. */
final class TestEdge implements AutoCloseable {

  static final Timeouts DEFAULT_TIMEOUTS =
      new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(30));

  /** What the one route of this edge does. */
  record Route(
      RouteAction.Proxy target, Timeouts timeouts, Edits requestEdits, Edits responseEdits) {}

  final UpstreamHealth health;
  final UpstreamProxy proxy;
  private final DisposableServer server;
  private volatile Route route;

  TestEdge(Clock clock) {
    this.health = new UpstreamHealth(clock, Duration.ofSeconds(10));
    this.proxy = new UpstreamProxy(health);
    ErrorResponder errors = new ErrorResponder();
    this.server =
        EdgeWorker.keepReading(HttpServer.create())
            .host("127.0.0.1")
            .port(0)
            .handle(
                (req, res) -> {
                  String requestId =
                      RequestIds.resolve(req.requestHeaders().get(RequestIds.HEADER));
                  res.header(RequestIds.HEADER, requestId);
                  Route current = route;
                  return proxy
                      .forward(
                          current.target(),
                          current.timeouts(),
                          req,
                          res,
                          requestId,
                          current.requestEdits(),
                          current.responseEdits())
                      .onErrorResume(e -> errors.respond(e, req, res, requestId));
                })
            .bindNow();
  }

  TestEdge() {
    this(Clock.systemUTC());
  }

  /** Routes every request to {@code upstreams} with default timeouts and no edits. */
  TestEdge to(URI... upstreams) {
    return route(List.of(upstreams), null, DEFAULT_TIMEOUTS, Edits.NONE, Edits.NONE);
  }

  TestEdge route(
      List<URI> upstreams,
      String host,
      Timeouts timeouts,
      Edits requestEdits,
      Edits responseEdits) {
    route =
        new Route(new RouteAction.Proxy(upstreams, host), timeouts, requestEdits, responseEdits);
    return this;
  }

  int port() {
    return server.port();
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
  }

  UpstreamState state(URI upstream) {
    String key = UpstreamHealth.Upstream.key(upstream);
    return health.snapshot().stream()
        .filter(s -> s.upstream().equals(key))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no state for " + key + ": " + health.snapshot()));
  }

  @Override
  public void close() {
    server.disposeNow(Duration.ofSeconds(5));
    proxy.disposeLater().block(Duration.ofSeconds(10));
  }
}
