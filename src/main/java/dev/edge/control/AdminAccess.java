package dev.edge.control;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import reactor.netty.http.server.HttpServerRequest;

/**
 * Who may use the control endpoints: a client connected from a loopback address, or one sending
 * {@code Authorization: Bearer <admin token>} when a token is configured. {@code X-Forwarded-For}
 * is never consulted here.
 */
public final class AdminAccess {

  private final byte[] token;

  /**
   * @param token the admin token, or null when only loopback clients are allowed
   */
  public AdminAccess(String token) {
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  /** Whether {@code req} may use the control endpoints. */
  public boolean allows(HttpServerRequest req) {
    return allows(req.remoteAddress(), req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION));
  }

  /**
   * Whether {@code req} may change the edge (a control {@code POST}): as {@link #allows}, except
   * that a request a browser sent (it carries {@code Origin}) needs the token even from loopback,
   * so a web page open in the user's browser cannot stop or reload the edge through it.
   */
  public boolean allowsChange(HttpServerRequest req) {
    return allowsChange(
        req.remoteAddress(),
        req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION),
        req.requestHeaders().get(HttpHeaderNames.ORIGIN));
  }

  /** {@link #allowsChange(HttpServerRequest)} for a client at {@code peer} (origin null: none). */
  public boolean allowsChange(SocketAddress peer, String authorization, String origin) {
    return origin == null ? allows(peer, authorization) : tokenMatches(authorization);
  }

  /** Whether a client at {@code peer} sending {@code authorization} (or null) may. */
  public boolean allows(SocketAddress peer, String authorization) {
    return isLoopback(peer) || tokenMatches(authorization);
  }

  private boolean tokenMatches(String authorization) {
    if (token == null) {
      return false;
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] offered = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(offered, token);
  }

  private static boolean isLoopback(SocketAddress address) {
    return address instanceof InetSocketAddress inet
        && inet.getAddress() != null
        && inet.getAddress().isLoopbackAddress();
  }
}
