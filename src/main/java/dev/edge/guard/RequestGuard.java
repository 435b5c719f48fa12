package dev.edge.guard;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import dev.edge.observe.RequestIds;
import dev.edge.route.RequestPaths;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.net.SocketAddress;
import java.util.Map;
import java.util.function.Consumer;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;

/**
 * The request guard: everything the edge refuses before routing. {@link #install} puts the
 * byte-level checks, limits and timeouts on the listener; {@link #check} runs the per-request rules
 * that need the parsed request. Rejections are problem responses with the reasons of {@link Reason}
 * ({@code bad_framing}, {@code bad_host}, {@code bad_header}, {@code uri_too_long}, {@code
 * headers_too_large}, {@code bad_path}, {@code body_too_large}, {@code request_timeout}, {@code
 * too_many_connections}), counted in the {@link RejectionCounter}, logged on {@code edge.guard},
 * and they close the connection.
 */
public final class RequestGuard {

  /** Name of the byte-level handler in the channel pipeline (before the HTTP codec). */
  public static final String SCANNER = "edge.guard.scanner";

  /** Name of the message-level handler in the channel pipeline (after the HTTP codec). */
  public static final String TRACKER = "edge.guard.tracker";

  /**
   * Room above the guard's own limits for Netty's codec, so the guard's checks always fire first.
   */
  static final int CODEC_SLACK = 1024;

  private static final Map<String, String> CLOSE = Map.of("Connection", "close");
  private static final Rejection TOO_MANY =
      new Rejection(
          Reason.TOO_MANY_CONNECTIONS, "too many concurrent connections from this client address");

  private static final AttributeKey<Reason> ANSWERED = AttributeKey.valueOf("edge.guard.answered");

  private final GuardLimits limits;
  private final GuardEvents events;
  private final HstsHook hsts;
  private final ResponseEdits http2Edits;
  private final ClientConnections connections;

  /** A guard enforcing {@code limits}, counting what it refuses in {@code rejections}. */
  public RequestGuard(GuardLimits limits, RejectionCounter rejections) {
    this.limits = limits;
    this.events = new GuardEvents(rejections);
    this.hsts = new HstsHook(limits.hsts());
    this.http2Edits = new ResponseEdits(hsts);
    this.connections =
        limits.maxConnectionsPerClient() > 0
            ? new ClientConnections(limits.maxConnectionsPerClient())
            : null;
  }

  /** Notes on {@code channel} that the guard answered its request in progress with {@code why}. */
  static void answered(Channel channel, Reason why) {
    channel.attr(ANSWERED).set(why);
  }

  /**
   * The reason the guard answered the request in progress on {@code channel} with (a {@code 413} or
   * {@code 408} it wrote below the request path, which then closes the connection), or null when it
   * did not: the request path records that answer rather than a client that went away.
   */
  public static Reason answeredBy(Channel channel) {
    return channel.hasAttr(ANSWERED) ? channel.attr(ANSWERED).get() : null;
  }

  /** The limits this guard enforces. */
  public GuardLimits limits() {
    return limits;
  }

  /**
   * Applies everything connection-level to the edge's listener: the byte-level scanner before the
   * HTTP codec (framing, request line and header syntax, sizes, header, body and keep-alive idle
   * timeouts), codec limits above the guard's, per-client connection counting, and the response
   * hook after the codec ({@code Server} removed, HSTS, ordered rejections). Reactor Netty's own
   * idle timeout stays off: the scanner runs it without a handler per request.
   *
   * <p>On a TLS listener with ALPN the HTTP/1.1 handlers can only go in once the handshake has
   * chosen the protocol: an {@link AlpnGate} holds the connection's bytes until then. An HTTP/2
   * connection is counted per client and closed when idle; its requests meet the per-request rules
   * ({@link #check}) like any other, and Netty's HTTP/2 codec enforces the protocol's own.
   *
   * @param http1 called with each HTTP/1.1 connection once the guard's handlers are in place (the
   *     edge adds its lane after {@link #TRACKER})
   */
  public HttpServer install(HttpServer server, Consumer<Channel> http1) {
    return server
        .httpRequestDecoder(
            spec ->
                spec.maxInitialLineLength(limits.maxRequestTarget() + CODEC_SLACK)
                    .maxHeaderSize(limits.maxHeaderBytes() + CODEC_SLACK)
                    .validateHeaders(true))
        .doOnChannelInit(
            (observer, channel, remote) -> guard(channel, channel.remoteAddress(), http1))
        .doOnConnection(
            connection -> {
              ChannelPipeline stream = connection.channel().pipeline();
              if (connection.channel() instanceof Http2StreamChannel
                  && stream.get(NettyPipeline.H2ToHttp11Codec) != null
                  && stream.get(ResponseEdits.NAME) == null) {
                stream.addAfter(NettyPipeline.H2ToHttp11Codec, ResponseEdits.NAME, http2Edits);
              }
            });
  }

  private void guard(Channel channel, SocketAddress remote, Consumer<Channel> http1) {
    ChannelPipeline pipeline = channel.pipeline();
    if (pipeline.get(NettyPipeline.H2OrHttp11Codec) != null
        && pipeline.get(AlpnGate.NAME) == null) {
      pipeline.addAfter(
          NettyPipeline.SslHandler,
          AlpnGate.NAME,
          new AlpnGate(
              protocol -> {
                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                  guardHttp2(channel, remote);
                } else {
                  guardHttp1(channel, remote, http1);
                }
              }));
      return;
    }
    guardHttp1(channel, remote, http1);
  }

  private void guardHttp1(Channel channel, SocketAddress remote, Consumer<Channel> http1) {
    ChannelPipeline pipeline = channel.pipeline();
    if (pipeline.get(NettyPipeline.HttpCodec) == null || pipeline.get(SCANNER) != null) {
      return;
    }
    GuardHandler scanner = new GuardHandler(limits, events);
    ResponseTracker tracker =
        new ResponseTracker(scanner, events, hsts, pipeline.get(SslHandler.class) != null);
    scanner.tracker(tracker);
    pipeline.addBefore(NettyPipeline.HttpCodec, SCANNER, scanner);
    pipeline.addAfter(NettyPipeline.HttpCodec, TRACKER, tracker);
    if (connections != null && !connections.admit(channel, remote)) {
      scanner.rejectEveryHead(TOO_MANY);
    }
    http1.accept(channel);
  }

  private void guardHttp2(Channel channel, SocketAddress remote) {
    if (connections != null && !connections.admit(channel, remote)) {
      events.rejected(Reason.TOO_MANY_CONNECTIONS, TOO_MANY.detail(), null, channel);
      channel.close();
      return;
    }
    channel.pipeline().addFirst(Http2IdleCloser.NAME, new Http2IdleCloser(limits.idleTimeout()));
  }

  /**
   * The per-request rules that need the parsed request, run before routing: exactly one valid
   * {@code Host} (required on HTTP/1.1), an absolute-form target's authority agreeing with it, a
   * path with valid percent-encoding that never climbs above the root however often it is decoded,
   * and a {@code Content-Length} within the body limit. A refusal is counted and logged here.
   *
   * @param requestId the request's id, for the log
   * @param channel the client's connection, for the log, or null
   * @throws EdgeException with {@code Connection: close} for the first rule broken
   */
  public void check(
      HttpHeaders headers,
      String uri,
      HttpVersion version,
      HttpMethod method,
      String requestId,
      Channel channel) {
    Rejection problem = problem(headers, uri, version, method);
    if (problem != null) {
      events.rejected(problem.reason(), problem.detail(), requestId, channel);
      throw new EdgeException(problem.reason(), problem.detail(), CLOSE);
    }
  }

  /**
   * {@link #check(HttpHeaders, String, HttpVersion, HttpMethod, String, Channel) check} for a
   * request read by Reactor Netty's server.
   */
  public void check(HttpServerRequest req) {
    check(
        req.requestHeaders(),
        req.uri(),
        req.version(),
        req.method(),
        req.requestHeaders().get(RequestIds.HEADER),
        req instanceof Connection c ? c.channel() : null);
  }

  /** The first rule of {@link #check} the request breaks, or null. */
  private Rejection problem(
      HttpHeaders headers, String uri, HttpVersion version, HttpMethod method) {
    String hostProblem = HostRules.problem(headers, version, uri);
    if (hostProblem != null) {
      return new Rejection(Reason.BAD_HOST, hostProblem);
    }
    String path = uri.startsWith("/") ? RequestPaths.pathOf(uri) : target(uri, method);
    if (path == null) {
      return new Rejection(Reason.BAD_PATH, "request target is not a path");
    }
    String pathProblem = PathRules.invalid(path);
    if (pathProblem != null) {
      return new Rejection(Reason.BAD_PATH, pathProblem);
    }
    String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
    if (length != null) {
      long declared = declaredLength(length);
      if (declared < 0) {
        return Rejection.badFraming("malformed Content-Length");
      }
      if (limits.maxBodyBytes() > 0 && declared > limits.maxBodyBytes()) {
        return new Rejection(
            Reason.BODY_TOO_LARGE,
            "Content-Length larger than " + limits.maxBodyBytes() + " bytes");
      }
    }
    return null;
  }

  /** The path of a target that is not origin-form (its authority already checked), or null. */
  private static String target(String uri, HttpMethod method) {
    int scheme = HostRules.schemeLength(uri);
    if (scheme > 0) {
      int end = HostRules.authorityEnd(uri, scheme);
      return RequestPaths.pathOf(HostRules.originFormIfAgrees(uri, uri.substring(scheme, end)));
    }
    if (uri.equals("*") && HttpMethod.OPTIONS.equals(method)) {
      return "/";
    }
    return null;
  }

  /** The value of a Content-Length of 1-18 digits, else -1. */
  private static long declaredLength(String length) {
    String digits = length.trim();
    if (digits.isEmpty() || digits.length() > FieldValues.MAX_LENGTH_DIGITS) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
