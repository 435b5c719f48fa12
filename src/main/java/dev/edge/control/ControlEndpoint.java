package dev.edge.control;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import dev.edge.acme.AcmeRenewals;
import dev.edge.runtime.ConfigReloader;
import dev.edge.runtime.ConfigStatus;
import dev.edge.runtime.ReloadAttempt;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * The control endpoints on the listeners. {@code POST /control/reload}: runs one reload attempt and
 * answers with its outcome as JSON ({@code 200} when applied or unchanged, {@code 422} when
 * rejected or rolled back). {@code POST /control/certificates/renew[?domain=NAME]}: orders new ACME
 * certificates now, for one managed name or all ({@code 202 {"renewing": [...]}}; {@code 404} when
 * ACME is off or the name is not managed). Other methods get {@code 405}; clients {@link
 * AdminAccess} refuses get {@code 403 forbidden}.
 */
public final class ControlEndpoint {

  /** The reload path. */
  public static final String RELOAD = "/control/reload";

  /** The path that renews ACME certificates now. */
  public static final String RENEW = "/control/certificates/renew";

  private final ConfigReloader reloader;
  private final AdminAccess access;
  private final JsonMapper json;
  private final AcmeRenewals renewals;

  /**
   * Wires the endpoints.
   *
   * @param renewals the ACME certificates, or null when ACME is off
   */
  public ControlEndpoint(
      ConfigReloader reloader, AdminAccess access, JsonMapper json, AcmeRenewals renewals) {
    this.reloader = reloader;
    this.access = access;
    this.json = json;
    this.renewals = renewals;
  }

  /** Handles a request for {@link #RELOAD}. */
  public Mono<Void> reload(HttpServerRequest req, HttpServerResponse res) {
    checkPost(req, RELOAD);
    return Mono.fromFuture(() -> reloader.reload("control"))
        .flatMap(
            attempt ->
                res.status(succeeded(attempt) ? 200 : 422)
                    .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .header(HttpHeaderNames.CACHE_CONTROL, "no-store")
                    .sendString(Mono.just(json.writeValueAsString(ConfigStatus.attempt(attempt))))
                    .then());
  }

  /** Handles a request for {@link #RENEW}. */
  public Mono<Void> renew(HttpServerRequest req, HttpServerResponse res) {
    checkPost(req, RENEW);
    if (renewals == null) {
      throw new EdgeException(Reason.NOT_FOUND, "ACME is off (start the edge with --acme)");
    }
    List<String> domain = new QueryStringDecoder(req.uri()).parameters().get("domain");
    List<String> renewing = renewals.renewNow(domain == null ? null : domain.get(0));
    if (renewing.isEmpty()) {
      throw new EdgeException(
          Reason.NOT_FOUND,
          "no managed certificate for " + (domain == null ? "any name" : domain.get(0)));
    }
    return res.status(202)
        .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .header(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .sendString(Mono.just(json.writeValueAsString(Map.of("renewing", renewing))))
        .then();
  }

  private void checkPost(HttpServerRequest req, String path) {
    if (!access.allows(req)) {
      throw new EdgeException(
          Reason.FORBIDDEN, "control endpoints answer loopback clients or the admin token only");
    }
    if (!req.method().equals(HttpMethod.POST)) {
      throw new EdgeException(
          Reason.METHOD_NOT_ALLOWED, path + " takes POST", Map.of("Allow", "POST"));
    }
  }

  private static boolean succeeded(ReloadAttempt attempt) {
    return attempt.result() == ReloadAttempt.Result.APPLIED
        || attempt.result() == ReloadAttempt.Result.UNCHANGED;
  }
}
