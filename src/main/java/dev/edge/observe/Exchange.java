package dev.edge.observe;

/**
 * What the edge learns about one request while handling it, for the access log and the metrics:
 * created when the request arrives, filled in by the steps that know each part, read when the
 * response is done. Confined to the request's event loop (no synchronization needed).
 */
public final class Exchange {

  /** Placeholder for a part that does not apply (no app, no worker). */
  public static final String NONE = "-";

  private final long startNanos = System.nanoTime();
  private final String requestId;
  private String app = NONE;
  private String route = NONE;
  private long worker = -1;
  private long queueNanos = -1;
  private long workerNanos = -1;
  private long bytes = -1;
  private boolean waited;
  private boolean builtIn;
  private boolean counted;

  /** Starts the record of a request with id {@code requestId}. */
  public Exchange(String requestId) {
    this.requestId = requestId;
  }

  /** The route that took the request ({@code sites.web.routes[2]}) and its app, if any. */
  public void routed(String routeField, String appId) {
    this.route = routeField;
    this.app = appId == null ? NONE : appId;
  }

  /**
   * The request got its worker {@code nanos} after it asked; {@code waited} when it had to wait in
   * the queue because every worker was full.
   */
  public void leased(long workerId, long nanos, boolean waited) {
    this.worker = workerId;
    this.queueNanos = nanos;
    this.waited = waited;
  }

  /** The edge answers this request itself ({@code /status}, {@code /metrics}...). */
  public void builtIn() {
    this.builtIn = true;
  }

  /** Whether this was a built-in endpoint (not counted in the request metrics). */
  public boolean isBuiltIn() {
    return builtIn;
  }

  /** Its rejection was already counted where it was decided (the request guard). */
  public void rejectionCounted() {
    this.counted = true;
  }

  /** Whether its rejection was already counted. */
  public boolean isRejectionCounted() {
    return counted;
  }

  /** Whether the request waited in an app's queue. */
  public boolean waited() {
    return waited;
  }

  /** The worker's response headers arrived {@code nanos} after the request was sent. */
  public void answered(long nanos) {
    this.workerNanos = nanos;
  }

  /** Adds {@code count} response body bytes relayed. */
  public void sent(long count) {
    bytes = bytes < 0 ? count : bytes + count;
  }

  /** When the request arrived ({@link System#nanoTime()}). */
  public long startNanos() {
    return startNanos;
  }

  /** The request id. */
  public String requestId() {
    return requestId;
  }

  /** The app, or {@link #NONE}. */
  public String app() {
    return app;
  }

  /** The route field, or {@link #NONE} (built-in endpoints, requests no route took). */
  public String route() {
    return route;
  }

  /** The worker id, or -1. */
  public long worker() {
    return worker;
  }

  /** Nanoseconds waited for a worker, or -1 when the request never asked for one. */
  public long queueNanos() {
    return queueNanos;
  }

  /** Nanoseconds from sending to the worker's response headers, or -1. */
  public long workerNanos() {
    return workerNanos;
  }

  /** Response body bytes counted while relaying, or -1 when not counted. */
  public long bytes() {
    return bytes;
  }
}
