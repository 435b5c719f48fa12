package dev.edge.hub;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import dev.edge.config.Realtime;
import dev.edge.edgefile.Timeouts;
import dev.edge.hub.HubClient.Event;
import dev.edge.ratelimit.ClientAddresses;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;

/**
 * Accepts a WebSocket client at the realtime path and holds it: gives it an id (32 lower-case hex
 * characters), sends its {@code open}, {@code text}, {@code binary} and {@code close} events to its
 * app ({@link HubEvents}), pings it every {@code --realtime-ping-ms} and closes it when it has been
 * silent for two intervals, and enforces the per-client limits: frame size ({@code 1009}), message
 * rate ({@code 1008}), clients in all and per address (refused before the upgrade: {@code 503},
 * {@code 429}).
 */
public final class RealtimeEndpoint {

  /** Handshake headers the app does not get with events. */
  private static final List<CharSequence> HANDSHAKE =
      List.of(
          HttpHeaderNames.UPGRADE,
          HttpHeaderNames.CONNECTION,
          HttpHeaderNames.SEC_WEBSOCKET_KEY,
          HttpHeaderNames.SEC_WEBSOCKET_VERSION,
          HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS,
          HttpHeaderNames.CONTENT_LENGTH,
          HttpHeaderNames.TRANSFER_ENCODING);

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] EMPTY = new byte[0];

  private final Hub hub;
  private final HubEvents events;
  private final Realtime settings;

  RealtimeEndpoint(Hub hub, HubEvents events, Realtime settings) {
    this.hub = hub;
    this.events = events;
    this.settings = settings;
  }

  /** Whether {@code req} asks for a WebSocket (GET with {@code Upgrade: websocket}). */
  public static boolean isUpgrade(HttpMethod method, HttpHeaders headers) {
    return HttpMethod.GET.equals(method)
        && headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
  }

  /** A new client id: 16 random bytes as 32 lower-case hex characters. */
  static String newClientId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /**
   * Upgrades {@code req} and holds the client until it goes.
   *
   * @param app the app that receives the client's events
   * @param timeouts the queue and read timeouts of its events (the route's)
   */
  public Mono<Void> accept(
      HttpServerRequest req, HttpServerResponse res, String app, Timeouts timeouts) {
    String address = ClientAddresses.peerAddress(req.remoteAddress()).getHostAddress();
    if (hub.clients() >= settings.maxClients()) {
      throw new EdgeException(
          Reason.QUEUE_FULL, "the edge holds its maximum of " + settings.maxClients() + " clients");
    }
    if (!hub.admits(address, settings.maxPerAddress())) {
      throw new EdgeException(
          Reason.TOO_MANY_CONNECTIONS,
          "at most " + settings.maxPerAddress() + " realtime clients per address");
    }
    HttpHeaders forApp = new DefaultHttpHeaders().add(req.requestHeaders());
    HANDSHAKE.forEach(forApp::remove);
    String query =
        req.uri().indexOf('?') < 0 ? null : req.uri().substring(req.uri().indexOf('?') + 1);
    return res.sendWebsocket(
        (in, out) -> hold(in, app, timeouts, query, forApp, req, address),
        WebsocketServerSpec.builder()
            .maxFramePayloadLength(settings.maxFrameBytes())
            .compress(false)
            .build());
  }

  private Mono<Void> hold(
      WebsocketInbound in,
      String app,
      Timeouts timeouts,
      String query,
      HttpHeaders forApp,
      HttpServerRequest req,
      String address) {
    AtomicReference<Channel> channel = new AtomicReference<>();
    in.withConnection(connection -> channel.set(connection.channel()));
    HubClient client =
        new HubClient(
            newClientId(),
            channel.get(),
            hub.outboxFor(channel.get().eventLoop()),
            app,
            query,
            forApp,
            req.remoteAddress(),
            settings.sendQueueMessages(),
            settings.sendQueueBytes(),
            settings.eventQueue(),
            settings.messageRate(),
            since(query));
    hub.added(client, address);
    events.send(client, timeouts, new Event("open", EMPTY));
    long interval = settings.pingInterval().toMillis();
    ScheduledFuture<?> pings =
        client
            .channel
            .eventLoop()
            .scheduleAtFixedRate(
                () -> ping(client, interval), interval, interval, TimeUnit.MILLISECONDS);
    return in.aggregateFrames(settings.maxFrameBytes())
        .receiveFrames()
        .doOnNext(frame -> received(client, timeouts, frame))
        .then()
        .onErrorResume(error -> Mono.empty())
        .doFinally(
            signal -> {
              pings.cancel(false);
              hub.removed(client, address);
              events.send(client, timeouts, new Event("close", EMPTY));
            });
  }

  /** The {@code since} offset in the upgrade's query, or -1. */
  static long since(String query) {
    if (query == null) {
      return -1;
    }
    List<String> values =
        new io.netty.handler.codec.http.QueryStringDecoder("?" + query).parameters().get("since");
    if (values == null) {
      return -1;
    }
    try {
      return Math.max(-1, Long.parseLong(values.get(0)));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void received(HubClient client, Timeouts timeouts, WebSocketFrame frame) {
    client.lastHeardNanos = System.nanoTime();
    boolean text = frame instanceof TextWebSocketFrame;
    if (!text && !(frame instanceof BinaryWebSocketFrame)) {
      return; // pongs and pings (answered by Reactor Netty) only show the client is alive
    }
    hub.messageIn();
    if (!client.admitMessage()) {
      client.close(
          WebSocketCloseStatus.POLICY_VIOLATION.code(),
          "more than " + settings.messageRate() + " messages per second");
      return;
    }
    events.send(
        client,
        timeouts,
        new Event(text ? "text" : "binary", ByteBufUtil.getBytes(frame.content())));
  }

  private void ping(HubClient client, long interval) {
    long silent = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - client.lastHeardNanos);
    if (silent > 2 * interval) {
      client.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "no answer to pings");
      client.channel.close();
      return;
    }
    client.channel.writeAndFlush(new PingWebSocketFrame());
  }
}
