package dev.edge;

import dev.edge.edgefile.EdgeConfig.Route;
import dev.edge.edgefile.RouteAction;
import dev.edge.runtime.AppRuntime;

/**
 * What the edge will do with one request, decided once by {@link RequestPlanner} before anything is
 * sent: a built-in endpoint, or the matched route's action with everything it needs (the route's
 * limits, header edits, timeouts and buffering travel with {@link #route()}). A request the edge
 * refuses has no plan: the planner throws the {@link EdgeException} that becomes its answer.
 */
public sealed interface Plan {

  /** The route that took the request, or null for a built-in endpoint. */
  Route route();

  /**
   * An endpoint the edge answers itself, on every host; access was already checked.
   *
   * @param rawPath the endpoint's path ({@code /status}, {@code /_edge/app.js}...)
   */
  record BuiltIn(String rawPath) implements Plan {
    @Override
    public Route route() {
      return null;
    }
  }

  /**
   * To a worker of an app's pool.
   *
   * @param runtime the app's runtime in the config snapshot the request was routed on
   * @param maxBodyBytes the route's own request body limit, or -1
   */
  record ToApp(Route route, RouteAction.ToApp action, AppRuntime runtime, long maxBodyBytes)
      implements Plan {}

  /**
   * To an external upstream.
   *
   * @param maxBodyBytes the route's own request body limit, or -1
   */
  record ToProxy(Route route, RouteAction.Proxy action, long maxBodyBytes) implements Plan {}

  /**
   * A file under a directory.
   *
   * @param rawRemainder the still percent-encoded path below the route's prefix
   */
  record ToStatic(Route route, RouteAction.Static action, String rawRemainder) implements Plan {}

  /** A redirect. */
  record ToRedirect(Route route, RouteAction.Redirect action) implements Plan {}

  /**
   * A WebSocket client for the realtime hub, at the realtime path of a route to an app: the edge
   * holds the connection and sends its events to that app.
   *
   * @param app the app that receives the client's events
   */
  record ToHub(Route route, String app) implements Plan {}

  /**
   * An ACME CA fetching an HTTP-01 challenge the edge is answering, on any host.
   *
   * @param keyAuthorization the body to answer with
   */
  record ToChallenge(String keyAuthorization) implements Plan {
    @Override
    public Route route() {
      return null;
    }
  }

  /**
   * A plain-HTTP request for a host served with a real certificate: {@code 308} to HTTPS.
   *
   * @param location the same URL over HTTPS
   */
  record ToHttps(String location) implements Plan {
    @Override
    public Route route() {
      return null;
    }
  }
}
