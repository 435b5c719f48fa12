package dev.edge.proxy;

import dev.edge.buffer.BodyBuffer;
import dev.edge.edgefile.HeaderRules.Edits;
import dev.edge.edgefile.RouteAction;
import dev.edge.edgefile.Timeouts;
import dev.edge.proxy.UpstreamHealth.Upstream;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * One client request on its way to an external upstream, across its tries ({@link AttemptLoop}):
 * what was asked and which upstreams are left; the {@link ForwardingStrategy} of {@link
 * UpstreamProxy}.
 *
 * <p>A target is an {@link Attempt} on the least busy upstream that is up ({@link
 * UpstreamHealth#acquire}), each of the route's upstreams at most once per request; there is no
 * waiting for one. One exchange is an HTTP request ({@link UpstreamProxy}) or a WebSocket relay
 * ({@link WebSocketRelay}). A connect failure or a timeout takes the upstream down for the
 * cool-down; a failure after sending counts against its health; each is logged.
 */
final class ProxyRequest implements ForwardingStrategy<ProxyRequest.Attempt> {

  private static final Logger LOG = LoggerFactory.getLogger("edge.proxy");

  final RouteAction.Proxy target;
  final Timeouts timeouts;
  final HttpServerRequest req;
  final HttpServerResponse res;
  final String requestId;
  final Edits requestEdits;
  final Edits responseEdits;

  /** The route's upstreams, in the route's order; {@link #tried} runs parallel to it. */
  final List<Upstream> candidates;

  final boolean[] tried;
  final boolean hasBody;

  /** The request target as sent upstream: origin-form, path and query unchanged. */
  final String path;

  /** The route's own request body limit, or -1. */
  final long maxBodyBytes;

  /** The whole request body, read by request buffering, or null when it streams. */
  final BodyBuffer buffered;

  private final UpstreamHealth health;

  /** One try on one upstream: plain HTTP, or the WebSocket relay. */
  private final BiFunction<ProxyRequest, Attempt, Mono<Void>> exchange;

  ProxyRequest(
      UpstreamHealth health,
      BiFunction<ProxyRequest, Attempt, Mono<Void>> exchange,
      RouteAction.Proxy target,
      Timeouts timeouts,
      HttpServerRequest req,
      HttpServerResponse res,
      String requestId,
      Edits requestEdits,
      Edits responseEdits,
      long maxBodyBytes,
      BodyBuffer buffered) {
    this.health = health;
    this.buffered = buffered;
    this.exchange = exchange;
    this.maxBodyBytes = maxBodyBytes;
    this.target = target;
    this.timeouts = timeouts;
    this.req = req;
    this.res = res;
    this.requestId = requestId;
    this.requestEdits = requestEdits;
    this.responseEdits = responseEdits;
    List<Upstream> upstreams = new ArrayList<>(target.upstreams().size());
    target.upstreams().forEach(uri -> upstreams.add(health.upstream(uri)));
    this.candidates = upstreams;
    this.tried = new boolean[upstreams.size()];
    this.hasBody = ForwardedHeaders.hasBody(req);
    this.path = originForm(req.uri());
  }

  @Override
  public Attempt take(Attempt failed) {
    Upstream upstream = health.acquire(candidates, tried);
    return upstream == null ? null : new Attempt(upstream);
  }

  /** None: every upstream was tried, or is being tried; the request gives up. */
  @Override
  public Mono<Attempt> await(Attempt failed) {
    return null;
  }

  /**
   * One try; the upstream's in-flight count is given back as soon as it ends, before a failure
   * reaches the loop. A failure after the upstream answered, or once the client left, is nobody's
   * to classify and stays as it is.
   */
  @Override
  public Mono<Void> exchange(Attempt attempt, AttemptLoop<Attempt> loop) {
    return Mono.using(
        () -> attempt.upstream,
        u ->
            exchange
                .apply(this, attempt)
                .onErrorMap(
                    e ->
                        attempt.answered() || !clientConnected()
                            ? e
                            : loop.classify(e, attempt, attempt.sent(), false)),
        Upstream::release,
        true);
  }

  @Override
  public String failed(
      Attempt attempt, AttemptLoop.Failure failure, Throwable error, boolean answered) {
    Upstream upstream = attempt.upstream;
    switch (failure) {
      case UNREACHABLE -> {
        if (AttemptLoop.timedOut(error) || ForwardedHeaders.causedBy(error, IOException.class)) {
          health.failed(upstream, true);
        }
        LOG.warn(
            "request {}: upstream {} could not be reached: {}",
            requestId,
            upstream,
            error.toString());
        return "the upstream could not be reached";
      }
      case TIMED_OUT -> {
        health.failed(upstream, true);
        LOG.warn(
            "request {}: upstream {} sent no response headers within {} ms",
            requestId,
            upstream,
            timeouts.read().toMillis());
        return timedOut();
      }
      default -> {
        health.failed(upstream, false);
        LOG.warn(
            "request {}: upstream {} failed before answering: {}",
            requestId,
            upstream,
            error.toString());
        return "the upstream failed before answering";
      }
    }
  }

  @Override
  public String noneReached() {
    int tried = candidates.size();
    return tried == 1
        ? "the upstream could not be reached"
        : "none of the " + tried + " upstreams could be reached";
  }

  /** What the client is told when the upstream's answer did not come within the read timeout. */
  String timedOut() {
    return "the upstream sent no response within " + timeouts.read().toMillis() + " ms";
  }

  /**
   * Fills {@code headers} with what {@code upstream} gets: the client's end-to-end headers, {@code
   * X-Forwarded-*}, {@code X-Request-Id}, {@code Host}, then the route's request edits. {@code
   * Expect} is not passed on: the edge itself answers {@code 100-continue} when it reads the body.
   * A body without a known length is sent chunked (the client's own framing is hop-by-hop).
   */
  void outboundHeaders(Upstream upstream, HttpHeaders headers) {
    ForwardedHeaders.requestHeaders(req, requestId, headers);
    headers.set(HttpHeaderNames.HOST, hostHeader(upstream));
    headers.remove(HttpHeaderNames.EXPECT);
    requestEdits.applyTo(headers);
    if (buffered != null) {
      headers.set(HttpHeaderNames.CONTENT_LENGTH, buffered.size());
    } else if (hasBody && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
  }

  /** The request body as it goes upstream: from the buffer, or from the client as it comes. */
  Flux<ByteBuf> body() {
    return buffered != null
        ? Flux.from(buffered)
        : RequestBodies.limited(req.receive().retain(), maxBodyBytes);
  }

  /** The route's {@code host}, else the client's {@code Host}, else the upstream's authority. */
  String hostHeader(Upstream upstream) {
    if (target.host() != null) {
      return target.host();
    }
    String client = req.requestHeaders().get(HttpHeaderNames.HOST);
    return client != null ? client : upstream.authority;
  }

  /** Whether the client's connection is still open (a closed one is nobody's upstream's fault). */
  boolean clientConnected() {
    return !(res instanceof Connection connection) || connection.channel().isActive();
  }

  /**
   * The origin-form of a request target: itself when it starts with {@code /}, the path and query
   * of an absolute-form target, {@code /} otherwise.
   */
  static String originForm(String uri) {
    if (uri.startsWith("/")) {
      return uri;
    }
    int scheme = uri.indexOf("://");
    if (scheme > 0) {
      int path = uri.indexOf('/', scheme + 3);
      int query = uri.indexOf('?', scheme + 3);
      if (path < 0 || (query >= 0 && query < path)) {
        return query < 0 ? "/" : "/" + uri.substring(query);
      }
      return uri.substring(path);
    }
    return "/";
  }

  /**
   * One try of the request on one upstream. What the try got to is set by whoever carries out its
   * exchange, through {@link #markSent()} and {@link #markAnswered()}.
   */
  static final class Attempt {

    final Upstream upstream;

    private volatile boolean sent;
    private volatile boolean answered;

    Attempt(Upstream upstream) {
      this.upstream = upstream;
    }

    /** Whether anything may have reached the upstream (a connection was made for it). */
    boolean sent() {
      return sent;
    }

    /** A connection was made for the request: from now on the upstream may see it. */
    void markSent() {
      sent = true;
    }

    /** Whether the upstream answered (response headers, or an accepted WebSocket upgrade). */
    boolean answered() {
      return answered;
    }

    /** The upstream answered: what fails from now on is no longer a failure to answer. */
    void markAnswered() {
      answered = true;
    }
  }
}
