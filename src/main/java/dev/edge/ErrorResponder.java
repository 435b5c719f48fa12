package dev.edge;

import dev.edge.EdgeException.Reason;
import dev.edge.observe.RequestIds;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * The only place an error becomes a response: an {@code application/problem+json} body with {@code
 * type}, {@code title}, {@code status}, {@code detail}, {@code reason} and {@code requestId}, plus
 * {@code Retry-After} where the reason has one and {@code X-Request-Id} always.
 *
 * <p>An error after the response headers went out cannot be answered; the connection is closed
 * instead, so the client sees a truncated response rather than a corrupt one.
 */
public final class ErrorResponder {

  private static final Logger LOG = LoggerFactory.getLogger("edge.errors");

  private final JsonMapper json;

  /** Creates a responder writing with {@code json}. */
  public ErrorResponder(JsonMapper json) {
    this.json = json;
  }

  /** Answers {@code error} for the request, or closes the connection if that is too late. */
  public Mono<Void> respond(
      Throwable error, HttpServerRequest req, HttpServerResponse res, String requestId) {
    if (clientGone(error, res)) {
      LOG.debug("request {} {} {}: the client went away", requestId, req.method(), req.uri());
      return Mono.empty();
    }
    if (res.hasSentHeaders()) {
      LOG.warn(
          "request {} {} {} failed after the response started: {}",
          requestId,
          req.method(),
          req.uri(),
          error.toString());
      return Mono.error(error);
    }
    EdgeException edge = problemFor(error, req.method(), req.uri(), requestId);
    Reason reason = edge.reason();
    res.headers(new DefaultHttpHeaders(false));
    res.status(reason.status())
        .header(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
        .header(RequestIds.HEADER, requestId)
        .header(HttpHeaderNames.CACHE_CONTROL, "no-store");
    if (reason.retryAfterSeconds() > 0) {
      res.header(HttpHeaderNames.RETRY_AFTER, Integer.toString(reason.retryAfterSeconds()));
    }
    edge.headers().forEach(res::header);
    // The length is set here, not left to Reactor Netty, which omits it on a response to HEAD and
    // then, seeing no framing, closes the connection: the fast lane's problem() sends it too.
    byte[] body = body(edge, requestId).getBytes(StandardCharsets.UTF_8);
    res.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
    return res.sendByteArray(Mono.just(body)).then();
  }

  /**
   * The problem response for {@code error} as one Netty message, for the fast path, which writes
   * below Reactor Netty: the same status, headers and body {@link #respond} sends. {@code
   * extraHeaders} (such as {@code Connection: close}) are added.
   */
  public FullHttpResponse problem(
      Throwable error, HttpMethod method, String uri, String requestId, HttpHeaders extraHeaders) {
    EdgeException edge = problemFor(error, method, uri, requestId);
    Reason reason = edge.reason();
    byte[] body = body(edge, requestId).getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(reason.status()),
            Unpooled.wrappedBuffer(body),
            new DefaultHttpHeaders(false),
            EmptyHttpHeaders.INSTANCE);
    HttpHeaders headers = response.headers();
    headers
        .set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
        .set(RequestIds.HEADER, requestId)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    if (reason.retryAfterSeconds() > 0) {
      headers.set(HttpHeaderNames.RETRY_AFTER, Integer.toString(reason.retryAfterSeconds()));
    }
    edge.headers().forEach(headers::set);
    headers.add(extraHeaders);
    headers.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return response;
  }

  /**
   * Whether the client closed its connection, so there is nothing to answer: its channel is closed,
   * or {@code error} says it went away.
   */
  public static boolean clientGone(Throwable error, boolean clientOpen) {
    if (!clientOpen) {
      return true; // whatever failed, nobody is left to answer (recorded as 499 client_closed)
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof AbortedException || (t instanceof ClosedChannelException && !clientOpen)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The reason the problem response for {@code error} will carry, or null when there is none to
   * send (the client went away).
   */
  public static Reason reasonOf(Throwable error, HttpServerResponse res) {
    if (clientGone(error, res)) {
      return null;
    }
    return error instanceof EdgeException edge ? edge.reason() : Reason.INTERNAL;
  }

  /**
   * The client closed its connection: nothing to answer, nothing wrong with the edge. (A closed
   * worker connection mid-body is not this: the client's channel is still open and must be cut.)
   */
  static boolean clientGone(Throwable error, HttpServerResponse res) {
    return clientGone(error, !(res instanceof Connection c) || c.channel().isActive());
  }

  String body(EdgeException error, String requestId) {
    Reason reason = error.reason();
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", "about:blank");
    problem.put("title", reason.title());
    problem.put("status", reason.status());
    problem.put("detail", error.getMessage());
    problem.put("reason", reason.code());
    problem.put("requestId", requestId);
    return json.writeValueAsString(problem);
  }

  /** {@code error} as the edge's error type, logged: a 5xx as a warning, anything else unknown. */
  private static EdgeException problemFor(
      Throwable error, HttpMethod method, String uri, String requestId) {
    EdgeException edge;
    if (error instanceof EdgeException known) {
      edge = known;
    } else {
      LOG.error("request {} {} {}: unexpected error", requestId, method, uri, error);
      edge =
          new EdgeException(
              Reason.INTERNAL, "unexpected error; see the edge log for request " + requestId);
    }
    Reason reason = edge.reason();
    if (reason.status() >= 500) {
      LOG.warn(
          "request {} {} {} -> {} {}: {}",
          requestId,
          method,
          uri,
          reason.status(),
          reason.code(),
          edge.getMessage());
    }
    return edge;
  }
}
