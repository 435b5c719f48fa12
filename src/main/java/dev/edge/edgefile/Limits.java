package dev.edge.edgefile;

import java.time.Duration;

/**
 * A route's own limits, on top of the edge-wide ones (the command-line options): a smaller request
 * body limit and a rate limit per client address. Set on a site (for all its routes) or on a route
 * (per component, the route's value wins).
 *
 * @param maxBodyBytes largest request body in bytes, or -1 for the edge-wide limit only
 * @param rateLimit requests per window per client address, or 0 for none
 * @param rateLimitWindow the rate limit's window
 */
public record Limits(long maxBodyBytes, int rateLimit, Duration rateLimitWindow) {

  /** Nothing beyond the edge-wide limits. */
  public static final Limits NONE = new Limits(-1, 0, Duration.ofSeconds(60));

  /** Whether this sets nothing. */
  public boolean isNone() {
    return maxBodyBytes < 0 && rateLimit == 0;
  }

  /** Each component set here, else {@code base}'s. */
  Limits over(Limits base) {
    return new Limits(
        maxBodyBytes >= 0 ? maxBodyBytes : base.maxBodyBytes(),
        rateLimit > 0 ? rateLimit : base.rateLimit(),
        rateLimit > 0 ? rateLimitWindow : base.rateLimitWindow());
  }
}
