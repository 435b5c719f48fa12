package dev.edge.edgefile;

/**
 * Whether the edge buffers a route's bodies (Edgefile {@code buffering:}) instead of streaming
 * them. Resolved per route: the route's own keys, else its site's, else the default of its action:
 * {@code app} routes buffer both ({@link #BOTH}), {@code proxy} routes stream both ({@link #NONE})
 * and may buffer only the request; {@code static} and {@code redirect} routes have nothing to
 * buffer ({@link #NONE}).
 *
 * @param request the edge reads the whole request body (in memory up to {@code
 *     --request-buffer-kb}, then a temp file) before it leases a worker or opens an upstream
 *     exchange, and forwards it with {@code Content-Length}; it answers {@code Expect:
 *     100-continue} itself
 * @param response the edge reads the worker's response as fast as the worker writes it (in memory
 *     up to {@code --response-buffer-kb}, then a temp file up to {@code --response-buffer-max-mb})
 *     and frees the worker as soon as the response is complete, while the client is sent it at its
 *     own pace; {@code text/event-stream}, {@code X-Accel-Buffering: no} and WebSocket upgrades
 *     always stream. App routes only
 */
public record BodyBuffering(boolean request, boolean response) {

  /** Both directions buffered: the default of {@code app} routes. */
  public static final BodyBuffering BOTH = new BodyBuffering(true, true);

  /** Both directions streamed: the default of {@code proxy} routes, and all other routes. */
  public static final BodyBuffering NONE = new BodyBuffering(false, false);
}
