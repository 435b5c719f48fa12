package dev.edge;

import java.util.Map;

/**
 * The one error type of the request path: every failure the edge answers itself carries a {@link
 * Reason}, which fixes the status, the title and the stable reason code of the problem response.
 *
 * <p>Instances are stackless: they describe expected outcomes (a full queue, a dead worker), not
 * programming errors, and are created on the hot path under load.
 */
public final class EdgeException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final Reason reason;
  private final Map<String, String> headers;

  /** Creates an error for {@code reason} with a detail message for logs and the problem body. */
  public EdgeException(Reason reason, String detail) {
    this(reason, detail, Map.of());
  }

  /**
   * Creates an error whose response also carries {@code headers} (e.g. {@code Allow} on a 405,
   * {@code Content-Range} on a 416).
   */
  public EdgeException(Reason reason, String detail, Map<String, String> headers) {
    super(detail, null, false, false);
    this.reason = reason;
    this.headers = Map.copyOf(headers);
  }

  /** Creates an error for {@code reason} whose detail is the reason's title. */
  public EdgeException(Reason reason) {
    this(reason, reason.title());
  }

  /** What went wrong, as a status and a stable code. */
  public Reason reason() {
    return reason;
  }

  /** Extra response headers of the problem response. */
  public Map<String, String> headers() {
    return headers;
  }

  /**
   * Every response the edge generates itself. The code is part of the contract (users alert on it);
   * the table is mirrored in {@code docs/edge/CONTRACTS.md}.
   */
  public enum Reason {
    QUEUE_FULL(503, 1, "Server busy", "queue_full"),
    QUEUE_TIMEOUT(504, 0, "Queue timeout", "queue_timeout"),
    WORKER_UNAVAILABLE(503, 1, "No worker could take the request", "worker_unavailable"),
    WORKER_FAILED(502, 0, "Worker failed before answering", "worker_failed"),
    UPSTREAM_TIMEOUT(504, 0, "Upstream did not answer in time", "upstream_timeout"),
    UPSTREAM_UNAVAILABLE(502, 0, "No upstream could be reached", "upstream_unavailable"),
    UPSTREAM_FAILED(502, 0, "Upstream failed before answering", "upstream_failed"),
    SHUTTING_DOWN(503, 1, "Server shutting down", "shutting_down"),
    NO_ROUTE(404, 0, "No route", "no_route"),
    NOT_FOUND(404, 0, "Not found", "not_found"),
    METHOD_NOT_ALLOWED(405, 0, "Method not allowed", "method_not_allowed"),
    RANGE_NOT_SATISFIABLE(416, 0, "Range not satisfiable", "range_not_satisfiable"),
    BAD_PATH(400, 0, "Bad path", "bad_path"),
    BAD_FRAMING(400, 0, "Ambiguous or malformed message framing", "bad_framing"),
    BAD_HOST(400, 0, "Bad Host", "bad_host"),
    BAD_HEADER(400, 0, "Malformed request line or header", "bad_header"),
    URI_TOO_LONG(414, 0, "Request target too long", "uri_too_long"),
    HEADERS_TOO_LARGE(431, 0, "Request headers too large", "headers_too_large"),
    BODY_TOO_LARGE(413, 0, "Request body too large", "body_too_large"),
    REQUEST_TIMEOUT(408, 0, "Request not received in time", "request_timeout"),
    TOO_MANY_CONNECTIONS(429, 1, "Too many connections from this client", "too_many_connections"),
    RATE_LIMITED(429, 0, "Too many requests", "rate_limited"),
    FORBIDDEN(403, 0, "Forbidden", "forbidden"),
    UNAUTHORIZED(401, 0, "Unauthorized", "unauthorized"),
    INVALID_BODY(400, 0, "Invalid request body", "invalid_body"),
    BUFFER_UNAVAILABLE(503, 1, "Request or response buffer unavailable", "buffer_unavailable"),
    INTERNAL(500, 0, "Internal error", "internal_error");

    private final int status;
    private final int retryAfterSeconds;
    private final String title;
    private final String code;

    Reason(int status, int retryAfterSeconds, String title, String code) {
      this.status = status;
      this.retryAfterSeconds = retryAfterSeconds;
      this.title = title;
      this.code = code;
    }

    /** The HTTP status. */
    public int status() {
      return status;
    }

    /** Seconds for {@code Retry-After}, or 0 for none. */
    public int retryAfterSeconds() {
      return retryAfterSeconds;
    }

    /** The short human title. */
    public String title() {
      return title;
    }

    /** The stable machine-readable code, e.g. {@code queue_full}. */
    public String code() {
      return code;
    }
  }
}
