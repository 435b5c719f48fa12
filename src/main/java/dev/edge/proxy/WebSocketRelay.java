package dev.edge.proxy;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import dev.edge.observe.RequestIds;
import dev.edge.proxy.ProxyRequest.Attempt;
import dev.edge.proxy.UpstreamHealth.Upstream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ReferenceCounted;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;
import reactor.util.context.Context;

/**
 * WebSocket passthrough for proxy routes: a complete WebSocket handshake from the client (GET,
 * {@code Upgrade: websocket}, {@code Connection: upgrade}, a key, version 13) opens the upstream's
 * WebSocket first, with the client's subprotocol offers, its end-to-end headers ({@code Origin},
 * cookies, authorization, ...), {@code Host}, {@code X-Forwarded-*} and the request edits. Only
 * when the upstream accepted does the edge accept the client's upgrade, with the subprotocol the
 * upstream selected and the upstream's end-to-end 101 headers (plus response edits). Then frames
 * are relayed both ways unchanged (text, binary, continuation, ping, pong; no aggregation,
 * extensions not negotiated), one frame in flight per direction, so memory stays bounded by the
 * frame size limit.
 *
 * <p>Close: a close frame from either side is answered by Reactor Netty and sent on to the other
 * side with the same status code and reason, after the frames that preceded it. A side that goes
 * away without a close frame closes the other with {@code 1001 going away}; a status that may not
 * be sent in a frame ({@code 1005} no status) is passed on as a close frame without status.
 *
 * <p>Limits: frames up to {@link #MAX_FRAME} bytes of payload each way; a larger frame closes the
 * side that sent it with {@code 1009 message too big} and the other side with {@code 1001}. (A
 * fragmented message may be larger: its frames are relayed one by one.) The upstream's handshake
 * must complete within the connect plus read timeouts; after the upgrade there is no idle timeout
 * (applications ping), TCP keep-alive is on for the upstream side.
 *
 * <p>Refusals: an upstream that answers the upgrade with anything but 101 gives {@code 502
 * upstream_failed} (its status is in the log, its response is not passed on); an unreachable one
 * {@code 502 upstream_unavailable}.
 */
final class WebSocketRelay {

  /** Largest frame payload accepted from either side, 1 MiB. */
  static final int MAX_FRAME = 1024 * 1024;

  /** Headers of the handshake itself: each hop makes its own. */
  static final List<AsciiString> HANDSHAKE_HEADERS =
      List.of(
          HttpHeaderNames.SEC_WEBSOCKET_KEY,
          HttpHeaderNames.SEC_WEBSOCKET_VERSION,
          HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS,
          HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL,
          HttpHeaderNames.SEC_WEBSOCKET_ACCEPT);

  private static final Logger LOG = LoggerFactory.getLogger("edge.proxy");
  private static final String NO_ORIGIN_HANDLER = "edge.wsNoGeneratedOrigin";
  private static final Object OPENED = new Object();

  private WebSocketRelay() {}

  /** Whether {@code req} is a complete WebSocket (version 13) opening handshake. */
  static boolean isUpgrade(HttpServerRequest req) {
    HttpHeaders headers = req.requestHeaders();
    String version = headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
    return HttpMethod.GET.equals(req.method())
        && headers.containsValue(HttpHeaderNames.UPGRADE, "websocket", true)
        && headers.containsValue(HttpHeaderNames.CONNECTION, "upgrade", true)
        && headers.contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)
        && version != null
        && version.trim().equals("13");
  }

  /** One try: open the upstream's WebSocket, accept the client's, relay until both are closed. */
  static Mono<Void> exchange(
      UpstreamClients clients, UpstreamHealth health, ProxyRequest request, Attempt attempt) {
    Upstream upstream = attempt.upstream;
    WebsocketClientSpec.Builder spec =
        WebsocketClientSpec.builder().handlePing(true).maxFramePayloadLength(MAX_FRAME);
    List<String> offered =
        request.req.requestHeaders().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
    if (!offered.isEmpty()) {
      spec.protocols(String.join(",", offered));
    }
    Duration handshake = request.timeouts.connect().plus(request.timeouts.read());
    String url = (upstream.tls ? "wss" : "ws") + upstream.key.substring(upstream.key.indexOf(':'));
    return clients
        .client(upstream, request.timeouts.connect(), request.target.host())
        .websocket(spec.build())
        .uri(url + request.path)
        .handle(
            (upIn, upOut) ->
                Flux.<Object>concat(
                    Mono.just(OPENED), accept(health, request, attempt, upIn, upOut)))
        .contextWrite(Context.of(Handshake.class, new Handshake(request, attempt)))
        .timeout(
            Mono.delay(handshake),
            opened -> Mono.never(),
            Mono.error(HandshakeTimeoutException::new))
        .onErrorMap(e -> refused(e, health, request, attempt))
        .then();
  }

  /**
   * Sets the upstream handshake's headers. Runs (as the client's {@code doOnRequest}) for every
   * upstream request once it is prepared, before the handshake request is built; does nothing for
   * plain HTTP requests, whose headers are set when they are sent.
   */
  static void prepareHandshake(HttpClientRequest clientReq, Connection connection) {
    Handshake handshake = clientReq.currentContextView().getOrDefault(Handshake.class, null);
    if (handshake == null) {
      return;
    }
    ProxyRequest request = handshake.request();
    Upstream upstream = handshake.attempt().upstream;
    handshake.attempt().markSent();
    HttpHeaders headers = clientReq.requestHeaders();
    headers.clear();
    request.outboundHeaders(upstream, headers);
    HANDSHAKE_HEADERS.forEach(headers::remove);
    if (!headers.contains(HttpHeaderNames.ORIGIN)) {
      connection.addHandlerFirst(NO_ORIGIN_HANDLER, new NoGeneratedOrigin());
    }
  }

  /** The upstream accepted: accept the client's upgrade and relay until both sides are closed. */
  private static Mono<Void> accept(
      UpstreamHealth health,
      ProxyRequest request,
      Attempt attempt,
      WebsocketInbound upIn,
      WebsocketOutbound upOut) {
    attempt.markAnswered();
    health.succeeded(attempt.upstream);
    HttpServerResponse res = request.res;
    HttpHeaders headers = res.responseHeaders();
    HopByHopHeaders.copyEndToEnd(upIn.headers(), headers);
    HANDSHAKE_HEADERS.forEach(headers::remove);
    headers.remove(HttpHeaderNames.CONTENT_LENGTH);
    headers.set(RequestIds.HEADER, request.requestId);
    request.responseEdits.applyTo(headers);
    WebsocketServerSpec.Builder spec =
        WebsocketServerSpec.builder().handlePing(true).maxFramePayloadLength(MAX_FRAME);
    String selected = upIn.selectedSubprotocol();
    if (selected != null && !selected.isEmpty()) {
      spec.protocols(selected);
    }
    // Reactor Netty skips the handler when the handshake failed or selected no protocol although
    // one was required; then nothing relays, and this try must fail rather than hang.
    Sinks.Empty<Void> done = Sinks.empty();
    AtomicBoolean started = new AtomicBoolean();
    return res.sendWebsocket(
            (downIn, downOut) -> {
              started.set(true);
              return relay(upIn, upOut, downIn, downOut).doFinally(s -> done.tryEmitEmpty());
            },
            spec.build())
        .then(
            Mono.defer(
                () ->
                    started.get()
                        ? done.asMono()
                        : Mono.error(new IllegalStateException("the client's upgrade failed"))));
  }

  /** Both directions, each followed by passing its side's close on to the other side. */
  static Mono<Void> relay(
      WebsocketInbound upIn,
      WebsocketOutbound upOut,
      WebsocketInbound downIn,
      WebsocketOutbound downOut) {
    return Mono.when(
        pump(downIn, upOut).then(Mono.defer(() -> passClose(downIn, upOut))),
        pump(upIn, downOut).then(Mono.defer(() -> passClose(upIn, downOut))));
  }

  /**
   * Writes every frame of {@code from} to {@code to}, one at a time. A failed write drops that
   * frame but keeps reading, so {@code from} is never cancelled (Reactor Netty would answer a
   * cancelled inbound with a close frame of its own, ahead of the one being passed on).
   */
  private static Mono<Void> pump(WebsocketInbound from, WebsocketOutbound to) {
    return from.receiveFrames()
        .doOnNext(WebSocketFrame::retain)
        .concatMap(
            frame -> to.sendObject(Mono.just(frame)).then().onErrorResume(e -> Mono.empty()), 1)
        .doOnDiscard(ReferenceCounted.class, ReferenceCountUtil::safeRelease)
        .onErrorResume(e -> Mono.empty())
        .then();
  }

  /** Closes {@code to} the way {@code from} was closed. */
  private static Mono<Void> passClose(WebsocketInbound from, WebsocketOutbound to) {
    return from.receiveCloseStatus()
        .defaultIfEmpty(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE)
        .flatMap(
            status -> {
              int code = status.code();
              if (code == WebSocketCloseStatus.EMPTY.code()) {
                return to.sendClose();
              }
              if (!WebSocketCloseStatus.isValidStatusCode(code)
                  || code == WebSocketCloseStatus.ABNORMAL_CLOSURE.code()
                  || code == WebSocketCloseStatus.TLS_HANDSHAKE_FAILED.code()) {
                WebSocketCloseStatus away = WebSocketCloseStatus.ENDPOINT_UNAVAILABLE;
                return to.sendClose(away.code(), away.reasonText());
              }
              return to.sendClose(code, status.reasonText());
            })
        .onErrorResume(e -> Mono.empty());
  }

  /** A non-101 answer to the upgrade: the upstream is alive but refused; 502 upstream_failed. */
  private static Throwable refused(
      Throwable error, UpstreamHealth health, ProxyRequest request, Attempt attempt) {
    if (!(error instanceof WebSocketClientHandshakeException handshake)
        || handshake.response() == null
        || attempt.answered()) {
      return error;
    }
    health.succeeded(attempt.upstream);
    LOG.warn(
        "request {}: upstream {} refused the WebSocket upgrade with {}",
        request.requestId,
        attempt.upstream,
        handshake.response().status());
    return new EdgeException(
        Reason.UPSTREAM_FAILED,
        "the upstream refused the WebSocket upgrade with status "
            + handshake.response().status().code());
  }

  /** The upstream's handshake did not complete within the connect plus read timeouts. */
  static final class HandshakeTimeoutException extends TimeoutException {
    private static final long serialVersionUID = 1L;

    HandshakeTimeoutException() {
      super("no WebSocket handshake response in time");
    }
  }

  /** What {@link #prepareHandshake} needs, carried in the subscriber context. */
  private record Handshake(ProxyRequest request, Attempt attempt) {}

  /**
   * Removes the {@code Origin} Netty's handshaker makes up when the request has none: the upstream
   * must see the client's handshake, and non-browser clients send no {@code Origin}. Removes itself
   * after the one request.
   */
  private static final class NoGeneratedOrigin extends ChannelOutboundHandlerAdapter {

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof HttpRequest request) {
        request.headers().remove(HttpHeaderNames.ORIGIN);
        ctx.write(msg, promise);
        ctx.pipeline().remove(this);
        return;
      }
      ctx.write(msg, promise);
    }
  }
}
