package dev.edge.proxy;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import dev.edge.buffer.BodyBuffer;
import dev.edge.edgefile.HeaderRules;
import dev.edge.edgefile.RouteAction;
import dev.edge.edgefile.Timeouts;
import dev.edge.observe.RequestIds;
import dev.edge.proxy.ProxyRequest.Attempt;
import dev.edge.proxy.UpstreamHealth.Upstream;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.util.function.BiFunction;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The {@code proxy} route action: a reverse proxy to external HTTP(S) upstreams.
 *
 * <p>Choice: the least busy upstream that is up ({@link UpstreamHealth}, through {@link
 * ProxyRequest}). Failure rules ({@link AttemptLoop}), as nginx's {@code proxy_next_upstream error
 * timeout} without {@code non_idempotent}:
 *
 * <ul>
 *   <li>nothing sent (connection refused, connect or TLS handshake timeout, unknown host, TLS
 *       failure): the upstream is marked down and the next candidate is tried, each upstream at
 *       most once per request; when none could be reached, {@code 502 upstream_unavailable};
 *   <li>the connection broke after the request was sent, before response headers: a bodyless GET,
 *       HEAD or OPTIONS request is sent once more to another upstream; otherwise {@code 502
 *       upstream_failed};
 *   <li>no response headers within the read timeout: the upstream is marked down, {@code 504
 *       upstream_timeout}, never resent.
 * </ul>
 *
 * <p>The response (status, headers without hop-by-hop ones, body) is relayed as it comes, 3xx
 * included: redirects are never followed. Bodies stream both ways with backpressure; a response of
 * known length up to 16 KiB goes out in one write with its headers. The read timeout also applies
 * between reads of the response body; a body that stalls longer cuts the client's connection.
 *
 * <p>{@code Upgrade: websocket} requests are relayed as WebSockets ({@link WebSocketRelay}); other
 * upgrades are forwarded as plain HTTP requests without their {@code Upgrade} header.
 */
public final class UpstreamProxy {

  private static final Logger LOG = LoggerFactory.getLogger("edge.proxy");

  private final UpstreamHealth health;
  private final UpstreamClients clients;

  /** One try as a plain HTTP request. */
  private final BiFunction<ProxyRequest, Attempt, Mono<Void>> http = this::http;

  /** One try as a WebSocket relay. */
  private final BiFunction<ProxyRequest, Attempt, Mono<Void>> websocket;

  /** Creates the proxy with its shared connection pools; {@code health} outlives config reloads. */
  public UpstreamProxy(UpstreamHealth health) {
    this.health = health;
    this.clients = new UpstreamClients(WebSocketRelay::prepareHandshake);
    this.websocket =
        (request, attempt) -> WebSocketRelay.exchange(clients, health, request, attempt);
  }

  /**
   * Forwards req to one of target.upstreams() and relays the answer into res. Path and query
   * (req.uri()) are sent unchanged. {@code requestEdits} apply to the outbound headers after the
   * standard ones, {@code responseEdits} right before the response headers go out.
   *
   * <p>Failures are {@link EdgeException}s: connect failure on every candidate {@code 502
   * upstream_unavailable}; failure after the request was sent, before response headers {@code 502
   * upstream_failed}; no response headers within {@code timeouts.read()} {@code 504
   * upstream_timeout}.
   */
  public Mono<Void> forward(
      RouteAction.Proxy target,
      Timeouts timeouts,
      HttpServerRequest req,
      HttpServerResponse res,
      String requestId,
      HeaderRules.Edits requestEdits,
      HeaderRules.Edits responseEdits) {
    return forward(target, timeouts, req, res, requestId, requestEdits, responseEdits, -1, null);
  }

  /**
   * Like the other {@code forward}, with a request body limit of the route's own (-1: none), and
   * the whole body when request buffering read it ({@code buffered}, else null: it streams).
   */
  public Mono<Void> forward(
      RouteAction.Proxy target,
      Timeouts timeouts,
      HttpServerRequest req,
      HttpServerResponse res,
      String requestId,
      HeaderRules.Edits requestEdits,
      HeaderRules.Edits responseEdits,
      long maxBodyBytes,
      BodyBuffer buffered) {
    return Mono.defer(
        () -> {
          ProxyRequest request =
              new ProxyRequest(
                  health,
                  WebSocketRelay.isUpgrade(req) ? websocket : http,
                  target,
                  timeouts,
                  req,
                  res,
                  requestId,
                  requestEdits,
                  responseEdits,
                  maxBodyBytes,
                  buffered);
          if (request.candidates.isEmpty()) {
            return Mono.error(
                new EdgeException(Reason.UPSTREAM_UNAVAILABLE, "the route has no upstreams"));
          }
          return new AttemptLoop<>(
                  request,
                  AttemptLoop.UPSTREAMS,
                  request.candidates.size(),
                  req.method(),
                  request.hasBody)
              .start();
        });
  }

  /** Frees the shared connection pools (edge shutdown). */
  public Mono<Void> disposeLater() {
    return clients.disposeLater();
  }

  private Mono<Void> http(ProxyRequest request, Attempt attempt) {
    Upstream upstream = attempt.upstream;
    HttpServerRequest req = request.req;
    return clients
        .client(upstream, request.timeouts.connect(), request.target.host())
        .request(req.method())
        .uri(upstream.key + request.path)
        .send(
            (clientReq, out) -> {
              attempt.markSent();
              clientReq.responseTimeout(request.timeouts.read());
              HttpHeaders outbound = clientReq.requestHeaders();
              outbound.clear();
              request.outboundHeaders(upstream, outbound);
              return request.hasBody ? out.send(request.body()) : out;
            })
        .responseConnection((response, connection) -> Mono.just(new Answer(response, connection)))
        .singleOrEmpty()
        .switchIfEmpty(Mono.error(() -> new IOException("connection closed without a response")))
        .flatMap(
            answer -> {
              attempt.markAnswered();
              health.succeeded(upstream);
              return relay(answer, request, upstream);
            });
  }

  private static Mono<Void> relay(Answer answer, ProxyRequest request, Upstream upstream) {
    HttpServerResponse res = request.res;
    HttpClientResponse response = answer.response();
    res.status(response.status());
    HttpHeaders headers = res.responseHeaders();
    HopByHopHeaders.copyEndToEnd(response.responseHeaders(), headers);
    headers.set(RequestIds.HEADER, request.requestId);
    request.responseEdits.applyTo(headers);
    Connection connection = answer.connection();
    ByteBufFlux body = connection.inbound().receive();
    Publisher<? extends ByteBuf> relayed =
        ForwardedHeaders.isSmall(response.responseHeaders())
            ? body.aggregate().retain()
            : body.retain();
    return res.send(relayed)
        .then()
        .doOnCancel(connection::dispose)
        .onErrorMap(e -> brokenOff(e, request, upstream));
  }

  /**
   * A failure while relaying the body: once headers went out it stays as it is (the connection is
   * cut); before that (a small body is sent with its headers) it is the upstream's failure.
   */
  private static Throwable brokenOff(Throwable error, ProxyRequest request, Upstream upstream) {
    if (request.res.hasSentHeaders()
        || error instanceof EdgeException
        || !request.clientConnected()) {
      return error;
    }
    LOG.warn(
        "request {}: upstream {} broke off its response: {}",
        request.requestId,
        upstream,
        error.toString());
    return ForwardedHeaders.causedBy(error, ReadTimeoutException.class)
        ? new EdgeException(Reason.UPSTREAM_TIMEOUT, request.timedOut())
        : new EdgeException(Reason.UPSTREAM_FAILED, "the upstream broke off its response");
  }

  /** An upstream's response whose headers arrived; its body is still on the connection. */
  private record Answer(HttpClientResponse response, Connection connection) {}
}
