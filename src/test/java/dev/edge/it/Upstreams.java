package dev.edge.it;

import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real external upstream for proxy tests, started in the test JVM on a free loopback port: {@code
 * /ws} is a WebSocket echo (subprotocol {@code chat.v1} when offered; the text {@code close-me}
 * makes it close with 4002), everything else answers JSON {@code {name, method, uri, headers}}.
 */
final class Upstreams implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  final String name;
  final AtomicInteger requests = new AtomicInteger();
  private final DisposableServer server;

  private Upstreams(String name) {
    this.name = name;
    this.server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .route(
                routes ->
                    routes
                        .ws(
                            "/ws",
                            (in, out) -> {
                              Flux<WebSocketFrame> replies =
                                  in.receiveFrames()
                                      .map(WebSocketFrame::retain)
                                      .concatMap(
                                          frame -> {
                                            if (frame
                                                .content()
                                                .toString(java.nio.charset.StandardCharsets.UTF_8)
                                                .equals("close-me")) {
                                              frame.release();
                                              return Mono.just(
                                                  new CloseWebSocketFrame(
                                                      4002, "bye from " + name));
                                            }
                                            return Mono.just(frame);
                                          });
                              return out.sendObject(replies);
                            },
                            WebsocketServerSpec.builder().protocols("chat.v1").build())
                        .route(
                            req -> true,
                            (req, res) -> {
                              requests.incrementAndGet();
                              Map<String, Object> echo = new TreeMap<>();
                              Map<String, String> headers = new TreeMap<>();
                              req.requestHeaders()
                                  .forEach(
                                      h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
                              echo.put("name", name);
                              echo.put("method", req.method().name());
                              echo.put("uri", req.uri());
                              echo.put("headers", headers);
                              return res.header("Content-Type", "application/json")
                                  .header("X-Upstream", name)
                                  .sendString(Mono.just(JSON.writeValueAsString(echo)))
                                  .then();
                            }))
            .bindNow();
  }

  static Upstreams start(String name) {
    return new Upstreams(name);
  }

  int port() {
    return server.port();
  }

  String url() {
    return "http://127.0.0.1:" + port();
  }

  @Override
  public void close() {
    server.disposeNow();
  }
}
