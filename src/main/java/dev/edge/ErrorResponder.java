package dev.edge;

import dev.edge.EdgeException.Reason;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.Http2Exception;
import java.nio.channels.ClosedChannelException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The only place an error becomes a response: the {@link EdgeException} (or an unexpected error, as
 * {@code internal_error}) is logged where it should be and answered with its {@link
 * ProblemResponse}, an {@code application/problem+json} body with {@code type}, {@code title},
 * {@code status}, {@code detail}, {@code reason} and {@code requestId}, plus {@code Retry-After}
 * where the reason has one and {@code X-Request-Id} always. A response to {@code HEAD} carries the
 * same headers and no body.
 *
 * <p>An error after the response headers went out cannot be answered; the connection is closed
 * instead, so the client sees a truncated response rather than a corrupt one.
 */
public final class ErrorResponder {

  private static final Logger LOG = LoggerFactory.getLogger("edge.errors");
  private static final Map<String, String> CLOSE = Map.of("Connection", "close");

  /** A responder; it keeps no state of its own. */
  public ErrorResponder() {}

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
    ProblemResponse problem =
        ProblemResponse.of(edge.reason(), edge.getMessage(), requestId, edge.headers().entrySet());
    res.headers(problem.headers()).status(problem.status());
    if (HttpMethod.HEAD.equals(req.method())) {
      return res.send(); // the headers, Content-Length the body's, and no body
    }
    return res.sendByteArray(Mono.just(problem.body())).then();
  }

  /**
   * The problem response for {@code error} as one Netty message, for the fast lane, which writes
   * below Reactor Netty: the same status, headers and body {@link #respond} sends (no body for
   * {@code HEAD}). {@code extraHeaders} (such as {@code Connection: close}) are added.
   */
  public FullHttpResponse problem(
      Throwable error, HttpMethod method, String uri, String requestId, HttpHeaders extraHeaders) {
    EdgeException edge = problemFor(error, method, uri, requestId);
    Iterable<Map.Entry<String, String>> headers = edge.headers().entrySet();
    if (!extraHeaders.isEmpty()) {
      HttpHeaders all = new DefaultHttpHeaders(false);
      edge.headers().forEach(all::set);
      headers = all.add(extraHeaders);
    }
    return ProblemResponse.of(edge.reason(), edge.getMessage(), requestId, headers)
        .message(HttpMethod.HEAD.equals(method));
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
    EdgeException known = known(error);
    return known != null ? known.reason() : Reason.INTERNAL;
  }

  /**
   * {@code error} as the edge's error type when it is one, or says the client broke the protocol:
   * an HTTP/2 stream error in a request (a body that disagrees with its {@code content-length}) is
   * the client's {@code 400 bad_framing}, never the edge's {@code 500}. Null otherwise.
   */
  static EdgeException known(Throwable error) {
    if (error instanceof EdgeException edge) {
      return edge;
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof Http2Exception http2) {
        return new EdgeException(
            Reason.BAD_FRAMING, "HTTP/2 request refused: " + http2.getMessage(), CLOSE);
      }
    }
    return null;
  }

  /**
   * The client closed its connection: nothing to answer, nothing wrong with the edge. (A closed
   * worker connection mid-body is not this: the client's channel is still open and must be cut.)
   */
  static boolean clientGone(Throwable error, HttpServerResponse res) {
    return clientGone(error, !(res instanceof Connection c) || c.channel().isActive());
  }

  /** {@code error} as the edge's error type, logged: a 5xx as a warning, anything else unknown. */
  private static EdgeException problemFor(
      Throwable error, HttpMethod method, String uri, String requestId) {
    EdgeException edge = known(error);
    if (edge == null) {
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
