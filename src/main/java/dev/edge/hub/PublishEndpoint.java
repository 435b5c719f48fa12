package dev.edge.hub;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import dev.edge.ratelimit.ClientAddresses;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code POST /publish} on every host and listener: applies the body's instructions (as an app's
 * answer to an event, with no sender, so {@code @} is needed to reach anyone) and answers {@code
 * 200 {"recipients": N}}. With a publish secret, {@code Authorization: Bearer <secret>} is required
 * (compared in constant time; otherwise {@code 401}); without one, only loopback clients may
 * publish ({@code 403}). A body that is not instructions is {@code 400 invalid_body}; one larger
 * than {@link #MAX_BODY_BYTES} is {@code 413}.
 */
public final class PublishEndpoint {

  /** The path. */
  public static final String PATH = "/publish";

  /** The largest body accepted. */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  private final Hub hub;
  private final byte[] expected;

  /**
   * @param secret the publish secret, or null (loopback clients only)
   */
  PublishEndpoint(Hub hub, String secret) {
    this.hub = hub;
    this.expected = secret == null ? null : ("Bearer " + secret).getBytes(StandardCharsets.UTF_8);
  }

  /** Handles a request for {@link #PATH}. */
  public Mono<Void> publish(HttpServerRequest req, HttpServerResponse res) {
    if (!req.method().equals(HttpMethod.POST)) {
      throw new EdgeException(
          Reason.METHOD_NOT_ALLOWED, PATH + " takes POST", Map.of("Allow", "POST"));
    }
    if (expected != null) {
      String given = req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
      if (given == null
          || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
        throw new EdgeException(
            Reason.UNAUTHORIZED,
            "publishing needs Authorization: Bearer <the publish secret>",
            Map.of("WWW-Authenticate", "Bearer"));
      }
    } else if (!ClientAddresses.peerAddress(req.remoteAddress()).isLoopbackAddress()) {
      throw new EdgeException(
          Reason.FORBIDDEN,
          "with no publish secret (--publish-secret), only loopback clients may publish");
    }
    return req.receive()
        .aggregate()
        .asString(StandardCharsets.UTF_8)
        .defaultIfEmpty("")
        .flatMap(
            body -> {
              if (body.length() > MAX_BODY_BYTES) {
                return Mono.error(
                    new EdgeException(
                        Reason.BODY_TOO_LARGE, "at most " + MAX_BODY_BYTES + " bytes"));
              }
              int recipients;
              try {
                recipients = hub.apply(null, Instructions.parse(body));
              } catch (Instructions.Invalid e) {
                return Mono.error(new EdgeException(Reason.INVALID_BODY, e.getMessage()));
              }
              return res.status(200)
                  .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                  .header(HttpHeaderNames.CACHE_CONTROL, "no-store")
                  .sendString(Mono.just("{\"recipients\":" + recipients + "}"))
                  .then();
            });
  }
}
