package dev.edge.control;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import dev.edge.runtime.ConfigReloader;
import dev.edge.runtime.ConfigStatus;
import dev.edge.runtime.ReloadAttempt;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /control/reload}: runs one reload attempt and answers with its outcome as JSON
 * ({@code 200} when applied or unchanged, {@code 422} when rejected or rolled back). Other methods
 * get {@code 405}; clients {@link AdminAccess} refuses get {@code 403 forbidden}.
 */
public final class ControlEndpoint {

  /** The reload path. */
  public static final String RELOAD = "/control/reload";

  private final ConfigReloader reloader;
  private final AdminAccess access;
  private final JsonMapper json;

  /** Wires the endpoint. */
  public ControlEndpoint(ConfigReloader reloader, AdminAccess access, JsonMapper json) {
    this.reloader = reloader;
    this.access = access;
    this.json = json;
  }

  /** Handles a request for {@link #RELOAD}. */
  public Mono<Void> reload(HttpServerRequest req, HttpServerResponse res) {
    if (!access.allows(req)) {
      throw new EdgeException(
          Reason.FORBIDDEN, "control endpoints answer loopback clients or the admin token only");
    }
    if (!req.method().equals(HttpMethod.POST)) {
      throw new EdgeException(
          Reason.METHOD_NOT_ALLOWED, RELOAD + " takes POST", Map.of("Allow", "POST"));
    }
    return Mono.fromFuture(() -> reloader.reload("control"))
        .flatMap(
            attempt ->
                res.status(succeeded(attempt) ? 200 : 422)
                    .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .header(HttpHeaderNames.CACHE_CONTROL, "no-store")
                    .sendString(Mono.just(json.writeValueAsString(ConfigStatus.attempt(attempt))))
                    .then());
  }

  private static boolean succeeded(ReloadAttempt attempt) {
    return attempt.result() == ReloadAttempt.Result.APPLIED
        || attempt.result() == ReloadAttempt.Result.UNCHANGED;
  }
}
