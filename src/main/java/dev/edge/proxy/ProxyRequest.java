package dev.edge.proxy;

import dev.edge.edgefile.HeaderRules.Edits;
import dev.edge.edgefile.RouteAction;
import dev.edge.edgefile.Timeouts;
import dev.edge.proxy.UpstreamHealth.Upstream;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * One client request on its way to an external upstream, across the tries of {@link UpstreamProxy}:
 * what was asked, which upstreams are left, and whether one resend is still allowed.
 */
final class ProxyRequest {

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

  /** Whether one resend after a failure past sending is still allowed (bodyless, safe method). */
  final AtomicBoolean mayResend;

  /** The route's own request body limit, or -1. */
  final long maxBodyBytes;

  /** Whether some try failed after the request had been sent. */
  volatile boolean failedAfterSend;

  ProxyRequest(
      UpstreamHealth health,
      RouteAction.Proxy target,
      Timeouts timeouts,
      HttpServerRequest req,
      HttpServerResponse res,
      String requestId,
      Edits requestEdits,
      Edits responseEdits,
      long maxBodyBytes) {
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
    this.mayResend =
        new AtomicBoolean(!hasBody && WorkerForwarder.SAFE_METHODS.contains(req.method()));
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
    if (hasBody && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
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

  /** One try of the request on one upstream. */
  static final class Attempt {

    final Upstream upstream;

    /** Whether anything may have reached the upstream (a connection was made for it). */
    volatile boolean sent;

    /** Whether the upstream answered (response headers, or an accepted WebSocket upgrade). */
    volatile boolean answered;

    Attempt(Upstream upstream) {
      this.upstream = upstream;
    }
  }
}
