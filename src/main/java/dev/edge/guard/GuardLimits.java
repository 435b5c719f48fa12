package dev.edge.guard;

import java.time.Duration;
import java.util.Objects;

/**
 * The request guard's limits and timeouts; every value has a default ({@link #defaults()}).
 *
 * @param maxRequestTarget longest request target in bytes; longer → {@code 414 uri_too_long}
 * @param maxHeaderBytes largest header section (and trailer section) in bytes, request line
 *     excluded; larger → {@code 431 headers_too_large}
 * @param headerTimeout longest time from a connection's start (first request) or a request's first
 *     byte (later requests) to the end of its head; later → {@code 408 request_timeout} and close
 * @param idleTimeout longest silence of a keep-alive connection between requests; then it is closed
 *     without a response
 * @param bodyIdleTimeout longest silence inside a request body while the edge wants to read it;
 *     then the connection is closed
 * @param maxBodyBytes largest request body, 0 for no limit; larger → {@code 413 body_too_large} (by
 *     {@code Content-Length} before the body is read, or mid-stream for a chunked body)
 * @param maxConnectionsPerClient most concurrent connections from one client IP address, 0 for no
 *     limit; over → {@code 429 too_many_connections} and close
 * @param hsts add {@code Strict-Transport-Security} to responses on HTTPS connections
 * @param requestTimeout longest time to receive a whole request, head and body, from its first byte
 *     (the connection's start, for its first request), however steadily it arrives; later → {@code
 *     408 request_timeout} (when nothing was answered yet) and close
 */
public record GuardLimits(
    int maxRequestTarget,
    int maxHeaderBytes,
    Duration headerTimeout,
    Duration idleTimeout,
    Duration bodyIdleTimeout,
    long maxBodyBytes,
    int maxConnectionsPerClient,
    boolean hsts,
    Duration requestTimeout) {

  /** Default longest request target: 8 KiB. */
  public static final int DEFAULT_MAX_REQUEST_TARGET = 8 * 1024;

  /** Default largest header section: 16 KiB. */
  public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;

  /** Default header read timeout (slowloris): 10 s. */
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);

  /** Default keep-alive idle timeout: 60 s. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

  /** Default request body idle timeout: 30 s. */
  public static final Duration DEFAULT_BODY_IDLE_TIMEOUT = Duration.ofSeconds(30);

  /** Default deadline for a whole request, head and body: 60 s. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

  /** Default largest request body: 10 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;

  /** Validates the values. */
  public GuardLimits {
    Objects.requireNonNull(headerTimeout, "headerTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(bodyIdleTimeout, "bodyIdleTimeout");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (maxRequestTarget < 1 || maxHeaderBytes < 1 || maxBodyBytes < 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
    if (maxConnectionsPerClient < 0) {
      throw new IllegalArgumentException("maxConnectionsPerClient must be 0 (off) or positive");
    }
    if (!positive(headerTimeout)
        || !positive(idleTimeout)
        || !positive(bodyIdleTimeout)
        || !positive(requestTimeout)) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
  }

  /** Limits with the default request deadline ({@link #DEFAULT_REQUEST_TIMEOUT}). */
  public GuardLimits(
      int maxRequestTarget,
      int maxHeaderBytes,
      Duration headerTimeout,
      Duration idleTimeout,
      Duration bodyIdleTimeout,
      long maxBodyBytes,
      int maxConnectionsPerClient,
      boolean hsts) {
    this(
        maxRequestTarget,
        maxHeaderBytes,
        headerTimeout,
        idleTimeout,
        bodyIdleTimeout,
        maxBodyBytes,
        maxConnectionsPerClient,
        hsts,
        DEFAULT_REQUEST_TIMEOUT);
  }

  /**
   * The defaults: 8 KiB, 16 KiB, 10 s, 60 s, 30 s, 10 MiB, no per-client limit, no HSTS, 60 s for a
   * whole request.
   */
  public static GuardLimits defaults() {
    return new GuardLimits(
        DEFAULT_MAX_REQUEST_TARGET,
        DEFAULT_MAX_HEADER_BYTES,
        DEFAULT_HEADER_TIMEOUT,
        DEFAULT_IDLE_TIMEOUT,
        DEFAULT_BODY_IDLE_TIMEOUT,
        DEFAULT_MAX_BODY_BYTES,
        0,
        false);
  }

  /** These limits with another header timeout. */
  public GuardLimits withHeaderTimeout(Duration timeout) {
    return new GuardLimits(
        maxRequestTarget,
        maxHeaderBytes,
        timeout,
        idleTimeout,
        bodyIdleTimeout,
        maxBodyBytes,
        maxConnectionsPerClient,
        hsts,
        requestTimeout);
  }

  private static boolean positive(Duration d) {
    return !d.isNegative() && !d.isZero();
  }
}
