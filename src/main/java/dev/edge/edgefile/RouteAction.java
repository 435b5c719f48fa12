package dev.edge.edgefile;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/** What a route does with a request: exactly one of these. */
public sealed interface RouteAction {

  /**
   * To a worker of one app's pool.
   *
   * @param app the app id
   */
  record ToApp(String app) implements RouteAction {}

  /**
   * To external HTTP(S) upstreams, chosen least-inflight with passive health. The request path and
   * query are sent unchanged.
   *
   * @param upstreams base URLs ({@code scheme://host[:port]}, no path other than {@code /})
   * @param host the {@code Host} header to send instead of the client's, or null to keep it
   */
  record Proxy(List<URI> upstreams, String host) implements RouteAction {}

  /**
   * Files under a directory. The route's prefix is removed from the request path before it is
   * resolved under {@code dir} (a route {@code /assets/*} serves {@code /assets/app.js} from {@code
   * dir/app.js}).
   *
   * @param dir the absolute, normalized directory
   * @param index file served for a directory (default {@code index.html})
   * @param spa file (relative to {@code dir}) served for paths that match no file, or null
   */
  record Static(Path dir, String index, String spa) implements RouteAction {}

  /**
   * A redirect. {@code to} may contain {@code {path}} (the request path) and {@code {query}} (the
   * query string with its leading {@code ?}, or nothing when there is none).
   *
   * @param to the target template
   * @param status 301, 302, 303, 307 or 308
   */
  record Redirect(String to, int status) implements RouteAction {}
}
