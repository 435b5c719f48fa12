package dev.edge;

import dev.edge.EdgeException.Reason;
import dev.edge.control.AdminAccess;
import dev.edge.control.ControlEndpoint;
import dev.edge.edgefile.EdgeConfig;
import dev.edge.edgefile.EdgeConfig.Route;
import dev.edge.edgefile.RouteAction;
import dev.edge.edgefile.SiteRealtime;
import dev.edge.guard.RequestGuard;
import dev.edge.hub.HubEvents;
import dev.edge.hub.PublishEndpoint;
import dev.edge.hub.RealtimeEndpoint;
import dev.edge.observe.DashboardEndpoint;
import dev.edge.observe.Exchange;
import dev.edge.proxy.ClientRequest;
import dev.edge.ratelimit.ClientAddresses;
import dev.edge.ratelimit.RateLimiter;
import dev.edge.route.HostNames;
import dev.edge.route.RequestPaths;
import dev.edge.route.RouteLimits;
import dev.edge.route.RouteMatch;
import dev.edge.runtime.ActiveConfig;
import dev.edge.runtime.AppRuntime;
import dev.edge.tls.AcmeChallenges;
import dev.edge.tls.HttpsRedirects;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import java.util.function.Supplier;

/**
 * Decides what happens to a request, once, whatever carried it (the HTTP/1.1 fast lane, Reactor
 * Netty's server for HTTP/1.1 and HTTP/2, and later the hub): the guard's verdict, then an ACME
 * HTTP-01 challenge being answered, a built-in endpoint, the redirect to HTTPS, or the rate limit
 * and the route, then the route's own limits, giving a {@link Plan}. Nothing here writes a response
 * or depends on the transport; a refusal is thrown as the {@link EdgeException} that {@link
 * ErrorResponder} turns into the answer.
 *
 * <p>Side effects, each exactly once per request: a guard refusal is counted and logged, the rate
 * limiters take a token and add their {@code RateLimit-*} headers to the response headers given.
 */
public final class RequestPlanner {

  private final Supplier<ActiveConfig> config;
  private final RequestGuard guard;
  private final RateLimiter limiter;
  private final AdminAccess access;
  private final boolean metricsEndpoint;
  private final HttpsRedirects https;
  private final AcmeChallenges challenges;
  private final String realtimePath;
  private final String presencePath;
  private final RouteLimits routeLimits = new RouteLimits();

  /**
   * A planner routing on the snapshot {@code config} gives at each request.
   *
   * @param limiter the edge-wide rate limiter, or null when rate limiting is off
   * @param access who may use the operator endpoints
   * @param metricsEndpoint whether {@code /metrics} is served (metrics on)
   * @param https which plain-HTTP requests go to HTTPS, or null (HTTPS or the redirect is off)
   * @param challenges the HTTP-01 challenges being answered, or null (HTTPS is off)
   * @param realtimePath where WebSocket clients reach the realtime hub, or null (no hub)
   */
  public RequestPlanner(
      Supplier<ActiveConfig> config,
      RequestGuard guard,
      RateLimiter limiter,
      AdminAccess access,
      boolean metricsEndpoint,
      HttpsRedirects https,
      AcmeChallenges challenges,
      String realtimePath) {
    this.config = config;
    this.guard = guard;
    this.limiter = limiter;
    this.access = access;
    this.metricsEndpoint = metricsEndpoint;
    this.https = https;
    this.challenges = challenges;
    this.realtimePath = realtimePath;
    this.presencePath = realtimePath == null ? null : realtimePath + "/presence";
  }

  /**
   * The plan for {@code request}.
   *
   * @param version the request's HTTP version
   * @param responseHeaders where headers the decision adds to the response go ({@code RateLimit-*})
   * @param exchange the request's record: the route is noted, and a refusal the guard counted
   * @throws EdgeException the request is refused; the exception says how to answer
   */
  public Plan decide(
      ClientRequest request, HttpVersion version, HttpHeaders responseHeaders, Exchange exchange) {
    try {
      guard.check(
          request.headers(),
          request.uri(),
          version,
          request.method(),
          exchange.requestId(),
          request.channel());
    } catch (EdgeException e) {
      exchange.rejectionCounted();
      throw e;
    }
    // Only the hub says which client and frame an event is: a client cannot claim to be one.
    request.headers().remove(HubEvents.CLIENT_HEADER);
    request.headers().remove(HubEvents.FRAME_HEADER);
    String rawPath = RequestPaths.pathOf(request.uri());
    if (challenges != null && rawPath.startsWith(HttpsRedirects.CHALLENGE_PREFIX)) {
      String answer =
          challenges.http01(rawPath.substring(HttpsRedirects.CHALLENGE_PREFIX.length()));
      if (answer != null) {
        exchange.builtIn();
        return new Plan.ToChallenge(answer);
      }
    }
    if (isBuiltIn(rawPath)) {
      exchange.builtIn();
      if (!isPublic(rawPath) && !access.allows(request.client(), authorization(request))) {
        throw new EdgeException(
            Reason.FORBIDDEN, "this endpoint answers loopback clients or the admin token only");
      }
      return new Plan.BuiltIn(rawPath);
    }
    String host = HostNames.normalize(request.headers().get(HttpHeaderNames.HOST));
    if (https != null && "http".equals(request.scheme())) {
      String location = https.location(host, rawPath, RequestPaths.queryOf(request.uri()));
      if (location != null) {
        return new Plan.ToHttps(location);
      }
    }
    if (limiter != null) {
      limiter.admit(ClientAddresses.peerAddress(request.client()), responseHeaders);
    }
    ActiveConfig snapshot = config.get();
    RouteMatch match =
        snapshot.routes().match(host, RequestPaths.decode(rawPath), request.method().name());
    Route route = match.route();
    long maxBody =
        route.limits().isNone()
            ? -1
            : routeLimits.enforce(route, request.client(), request.headers(), responseHeaders);
    RouteAction action = route.action();
    if (realtimePath != null && RealtimeEndpoint.isUpgrade(request.method(), request.headers())) {
      String hubApp = hubApp(snapshot, match, rawPath);
      if (hubApp != null) {
        exchange.routed(route.field(), hubApp);
        return new Plan.ToHub(route, hubApp);
      }
    }
    if (action instanceof RouteAction.ToApp app) {
      exchange.routed(route.field(), app.app());
      AppRuntime runtime = snapshot.apps().get(app.app());
      if (runtime == null) {
        throw new EdgeException(
            Reason.WORKER_UNAVAILABLE, "app " + app.app() + " is not running in this config");
      }
      return new Plan.ToApp(route, app, runtime, maxBody);
    }
    exchange.routed(route.field(), null);
    if (action instanceof RouteAction.Proxy proxy) {
      return new Plan.ToProxy(route, proxy, maxBody);
    }
    if (action instanceof RouteAction.Static target) {
      return new Plan.ToStatic(route, target, rawRemainder(rawPath, match));
    }
    return new Plan.ToRedirect(route, (RouteAction.Redirect) action);
  }

  /**
   * The app whose realtime hub a WebSocket upgrade to {@code rawPath} joins, or null when the path
   * is not the site's realtime path ({@code realtime: {path}}, else {@code --realtime-path}): the
   * site's {@code realtime: {app}}, else the app its matched route goes to.
   */
  private String hubApp(ActiveConfig snapshot, RouteMatch match, String rawPath) {
    EdgeConfig.Site site = snapshot.config().sites().get(match.site());
    SiteRealtime realtime = site == null ? SiteRealtime.NONE : site.realtime();
    if (!rawPath.equals(realtime.path() != null ? realtime.path() : realtimePath)) {
      return null;
    }
    if (realtime.app() != null) {
      return snapshot.apps().containsKey(realtime.app()) ? realtime.app() : null;
    }
    return match.route().action() instanceof RouteAction.ToApp app ? app.app() : null;
  }

  /** Whether {@code rawPath} is one of the endpoints the edge answers itself, on every host. */
  boolean isBuiltIn(String rawPath) {
    switch (rawPath) {
      case "/server":
      case "/status":
      case "/diagnostics":
      case PublishEndpoint.PATH:
        return true;
      case "/metrics":
        return metricsEndpoint;
      default:
        return rawPath.equals(presencePath)
            || DashboardEndpoint.owns(rawPath)
            || ControlEndpoint.owns(rawPath);
    }
  }

  /** Whether a built-in answers anyone: the probes, and the control endpoints (they check). */
  private boolean isPublic(String rawPath) {
    return rawPath.equals("/server")
        || rawPath.equals("/status")
        || ControlEndpoint.owns(rawPath)
        || rawPath.equals(PublishEndpoint.PATH)
        || rawPath.equals(presencePath);
  }

  private static String authorization(ClientRequest request) {
    return request.headers().get(HttpHeaderNames.AUTHORIZATION);
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
