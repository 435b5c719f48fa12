package dev.edge.route;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import dev.edge.edgefile.EdgeConfig.Route;
import dev.edge.edgefile.Limits;
import dev.edge.ratelimit.ClientAddresses;
import dev.edge.ratelimit.RateLimit;
import dev.edge.ratelimit.RateLimiter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A route's own limits (Edgefile {@code limits:}), checked once the route is known: a body limit
 * ({@code 413} at once by {@code Content-Length}; a chunked body is cut while it streams, see
 * {@code proxy.RequestBodies}) and a rate limit per client address ({@code 429}). The edge-wide
 * limits (the request guard, {@code --rate-limit}) apply first.
 *
 * <p>Each route's rate limiter is kept by the route's field and settings, so a reload that leaves
 * the route as it was keeps its clients' budgets.
 */
public final class RouteLimits {

  private static final Map<String, String> CLOSE = Map.of("Connection", "close");

  private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();

  /**
   * Checks a request from {@code client} with {@code requestHeaders} against {@code route}'s limits
   * and adds the rate limit headers to {@code responseHeaders}.
   *
   * @return the route's body limit for the streaming check, or -1
   * @throws EdgeException {@code 413 body_too_large} or {@code 429 rate_limited}
   */
  public long enforce(
      Route route, SocketAddress client, HttpHeaders requestHeaders, HttpHeaders responseHeaders) {
    Limits limits = route.limits();
    if (limits.rateLimit() > 0) {
      limiter(route, limits).admit(ClientAddresses.peerAddress(client), responseHeaders);
    }
    long max = limits.maxBodyBytes();
    if (max >= 0) {
      String length = requestHeaders.get(HttpHeaderNames.CONTENT_LENGTH);
      if (length != null && parse(length) > max) {
        throw new EdgeException(
            Reason.BODY_TOO_LARGE,
            "the request body is larger than this route's limit of " + max + " bytes",
            CLOSE);
      }
    }
    return max;
  }

  private RateLimiter limiter(Route route, Limits limits) {
    String key =
        route.field() + '\u0000' + limits.rateLimit() + '\u0000' + limits.rateLimitWindow();
    return limiters.computeIfAbsent(
        key,
        k ->
            new RateLimiter(
                new RateLimit(limits.rateLimit(), limits.rateLimitWindow()), System::nanoTime));
  }

  private static long parse(String length) {
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }
}
