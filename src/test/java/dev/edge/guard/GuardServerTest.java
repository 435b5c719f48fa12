package dev.edge.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The guard installed on a real Reactor Netty server (in process), whose read scheduling differs
 * from an embedded channel's: timeouts, the per-client limit, Server removal, check() refusals.
 */
class GuardServerTest {

  private final RejectionCounter counter = new RejectionCounter();
  private DisposableServer server;

  private void start(GuardLimits limits) {
    RequestGuard guard = new RequestGuard(limits, counter);
    server =
        guard
            .install(HttpServer.create().host("127.0.0.1").port(0))
            .handle(
                (req, res) -> {
                  try {
                    guard.check(req);
                  } catch (dev.edge.EdgeException e) {
                    e.headers().forEach(res::header);
                    return res.status(e.reason().status()).sendString(Mono.just(e.reason().code()));
                  }
                  return res.header("Server", "app/1")
                      .sendString(
                          req.receive()
                              .map(io.netty.buffer.ByteBuf::readableBytes)
                              .reduce(0, Integer::sum)
                              .map(length -> req.uri() + " " + length));
                })
            .bindNow();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.disposeNow(Duration.ofSeconds(5));
    }
  }

  private static GuardLimits limits(Duration header, Duration bodyIdle, int perClient) {
    return new GuardLimits(
        8192, 16384, header, Duration.ofSeconds(60), bodyIdle, 1000, perClient, false);
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** Connects once {@code previous} is surely counted (connections start on different loops). */
  private Socket connectAfter(Socket previous) throws Exception {
    Thread.sleep(300);
    return connect();
  }

  private static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      in.transferTo(out);
    } catch (SocketException e) {
      // reset after the response: what arrived is still the answer
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @BeforeEach
  void reset() {
    server = null;
  }

  @Test
  void aSilentConnectionIsClosedAtTheHeaderTimeout() throws Exception {
    start(limits(Duration.ofMillis(300), Duration.ofSeconds(30), 0));
    try (Socket socket = connect()) {
      long started = System.nanoTime();
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
      assertThat((System.nanoTime() - started) / 1_000_000).isBetween(200L, 3000L);
    }
  }

  @Test
  void aSlowHeadGets408() throws Exception {
    start(limits(Duration.ofMillis(400), Duration.ofSeconds(30), 0));
    try (Socket socket = connect()) {
      socket.getOutputStream().write("GET / HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
      Thread.sleep(200);
      socket.getOutputStream().write("st: x\r\n".getBytes(StandardCharsets.US_ASCII));
      String answer = readAll(socket.getInputStream());
      assertThat(answer).startsWith("HTTP/1.1 408 ").contains("\"reason\":\"request_timeout\"");
    }
  }

  @Test
  void aSilentBodyIsCutAtTheBodyIdleTimeout() throws Exception {
    start(limits(Duration.ofSeconds(10), Duration.ofMillis(400), 0));
    try (Socket socket = connect()) {
      socket
          .getOutputStream()
          .write(
              "POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n012"
                  .getBytes(StandardCharsets.US_ASCII));
      long started = System.nanoTime();
      String answer = readAll(socket.getInputStream());
      assertThat((System.nanoTime() - started) / 1_000_000).isBetween(300L, 5000L);
      assertThat(answer).doesNotContain(" 200 ");
    }
    assertThat(counter.count(dev.edge.EdgeException.Reason.REQUEST_TIMEOUT)).isEqualTo(1);
  }

  @Test
  void theThirdConnectionOfAClientGets429() throws Exception {
    start(limits(Duration.ofSeconds(10), Duration.ofSeconds(30), 2));
    try (Socket a = connect();
        Socket b = connectAfter(a);
        Socket c = connectAfter(b)) {
      c.getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String answer = readAll(c.getInputStream());
      assertThat(answer).startsWith("HTTP/1.1 429 ").contains("too_many_connections");
      a.getOutputStream()
          .write(
              "GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      assertThat(readAll(a.getInputStream()))
          .startsWith("HTTP/1.1 200 ")
          .doesNotContainIgnoringCase("server:");
    }
  }

  @Test
  void checkRefusalsCloseTheConnection() throws Exception {
    start(limits(Duration.ofSeconds(10), Duration.ofSeconds(30), 0));
    try (Socket socket = connect()) {
      socket
          .getOutputStream()
          .write("GET /%2e%2e/x HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String answer = readAll(socket.getInputStream());
      assertThat(answer).startsWith("HTTP/1.1 400 ").endsWith("bad_path");
    }
  }

  @Test
  void aBadHostIsRefusedBeforeReactorNettyParsesIt() throws Exception {
    start(limits(Duration.ofSeconds(10), Duration.ofSeconds(30), 0));
    try (Socket socket = connect()) {
      socket
          .getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: [::1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String answer = readAll(socket.getInputStream());
      assertThat(answer).startsWith("HTTP/1.1 400 ").contains("\"reason\":\"bad_host\"");
    }
  }
}
