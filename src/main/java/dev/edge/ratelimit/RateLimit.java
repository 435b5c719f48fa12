package dev.edge.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * A per-client rate limit: {@code limit} requests per {@code window}, as a bucket of {@code limit}
 * requests that refills continuously at {@code limit / window} (see {@link RateLimiter}), with at
 * most {@code maxClients} clients remembered at once. Turning rate limiting off ({@code
 * --rate-limit=0}) means having no limiter, not a limit of 0.
 *
 * @param limit requests a client may make at once and, on average, per window; at least 1
 * @param window the time in which a used-up bucket refills completely; 1 ms to 365 days, and at
 *     least one nanosecond per request
 * @param maxClients how many clients are tracked at once, the least recently seen being forgotten
 *     first; 1 to {@value #MAX_CLIENTS}
 */
public record RateLimit(int limit, Duration window, int maxClients) {

  /** The default window: one minute (rip-server's {@code --rate-limit-window}). */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

  /** The default bound on tracked clients: about 5 MB of table when full. */
  public static final int DEFAULT_MAX_CLIENTS = 100_000;

  /** The largest bound on tracked clients. */
  public static final int MAX_CLIENTS = 10_000_000;

  private static final Duration LONGEST_WINDOW = Duration.ofDays(365);

  /** Checks the ranges. */
  public RateLimit {
    Objects.requireNonNull(window, "window");
    if (limit < 1) {
      throw new IllegalArgumentException("rate limit " + limit + " is not at least 1");
    }
    if (window.compareTo(Duration.ofMillis(1)) < 0 || window.compareTo(LONGEST_WINDOW) > 0) {
      throw new IllegalArgumentException("rate limit window " + window + " is not 1 ms-365 days");
    }
    if (window.toNanos() < limit) {
      throw new IllegalArgumentException(
          "rate limit " + limit + " per " + window + " is more than one request per nanosecond");
    }
    if (maxClients < 1 || maxClients > MAX_CLIENTS) {
      throw new IllegalArgumentException("max clients " + maxClients + " is not 1-" + MAX_CLIENTS);
    }
  }

  /** {@code limit} requests per {@code window}, tracking {@link #DEFAULT_MAX_CLIENTS} clients. */
  public RateLimit(int limit, Duration window) {
    this(limit, window, DEFAULT_MAX_CLIENTS);
  }
}
