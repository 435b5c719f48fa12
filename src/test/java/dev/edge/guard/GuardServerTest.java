package dev.edge.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
            .install(HttpServer.create().host("127.0.0.1").port(0), channel -> {})
            .handle(
                (req, res) -> {
                  try {
                    guard.check(req);
                  } catch (dev.edge.EdgeException e) {
                    e.headers().forEach(res::header);
                    return res.status(e.reason().status()).sendString(Mono.just(e.reason().code()));
                  }
                  Duration delay =
                      req.uri().startsWith("/slow") ? Duration.ofMillis(1200) : Duration.ZERO;
                  return res.header("Server", "app/1")
                      .sendString(
                          req.receive()
                              .map(io.netty.buffer.ByteBuf::readableBytes)
                              .reduce(0, Integer::sum)
                              .delayElement(delay)
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

  private static GuardLimits withIdle(Duration idle) {
    return new GuardLimits(
        8192, 16384, Duration.ofSeconds(10), idle, Duration.ofSeconds(30), 1000, 0, false);
  }

  /** Reads one response with a {@code Content-Length} body, leaving the connection open. */
  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int next = in.read();
      assertThat(next).as("the connection closed mid-head: %s", head).isNotEqualTo(-1);
      head.write(next);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    int length = Integer.parseInt(text.replaceAll("(?is).*\r\ncontent-length: *(\\d+).*", "$1"));
    return text + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
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

  /** Sends a GET for each of {@code paths} on {@code socket}, reads its 200, then waits. */
  private static void getEach(Socket socket, long gapMillis, String... paths) throws Exception {
    for (String path : paths) {
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      assertThat(readResponse(socket.getInputStream()))
          .startsWith("HTTP/1.1 200 ")
          .endsWith(path + " 0");
      Thread.sleep(gapMillis);
    }
  }

  /** Waits for the server to close {@code socket}, then checks how long that took. */
  private static void assertClosedByServerWithin(Socket socket, long minMillis, long maxMillis)
      throws IOException {
    long from = System.nanoTime();
    assertThat(socket.getInputStream().read()).as("closed by the server").isEqualTo(-1);
    assertThat((System.nanoTime() - from) / 1_000_000).isBetween(minMillis, maxMillis);
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
      assertClosedByServerWithin(socket, 200L, 3000L);
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
  void aHeadCutShortGets408WithoutABody() throws Exception {
    start(limits(Duration.ofMillis(400), Duration.ofSeconds(30), 0));
    try (Socket socket = connect()) {
      socket.getOutputStream().write("HEA".getBytes(StandardCharsets.US_ASCII));
      String answer = readAll(socket.getInputStream());
      assertThat(answer)
          .startsWith("HTTP/1.1 408 ")
          .containsIgnoringCase("content-length: ")
          .endsWith("\r\n\r\n");
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
  void aDribbledBodyGets408AtTheRequestDeadlineThoughItNeverFallsSilent() throws Exception {
    start(
        new GuardLimits(
            8192,
            16384,
            Duration.ofSeconds(10),
            Duration.ofSeconds(60),
            Duration.ofSeconds(30),
            1000,
            0,
            false,
            Duration.ofMillis(800)));
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(
          "POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      int sent = 0;
      try {
        // one byte every 100 ms: the body idle timeout (30 s) never fires, the deadline does
        for (; sent < 100; sent++) {
          out.write('x');
          out.flush();
          Thread.sleep(100);
        }
      } catch (IOException closed) {
        // the edge cut the connection after its 408
      }
      String answer = readAll(socket.getInputStream());
      assertThat(answer)
          .startsWith("HTTP/1.1 408 ")
          .contains("\"reason\":\"request_timeout\"")
          .doesNotContain(" 200 ");
      assertThat(sent).as("bytes dribbled before the deadline").isLessThan(100);
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

  @Test
  void anIdleKeepAliveConnectionIsClosedAtTheIdleTimeout() throws Exception {
    start(withIdle(Duration.ofMillis(500)));
    try (Socket socket = connect()) {
      getEach(
          socket, 200, "/a", "/b"); // each gap under the idle timeout: the connection stays usable
      assertClosedByServerWithin(socket, 250L, 5000L);
    }
  }

  @Test
  void gapsEachShorterThanTheIdleTimeoutKeepTheConnectionOpenWhateverTheirSum() throws Exception {
    start(withIdle(Duration.ofMillis(500)));
    try (Socket socket = connect()) {
      // 4 x 300 ms: past the first deadline the one timer finds the connection busy or freshly
      // idle, and moves on instead of closing it.
      getEach(socket, 300, "/a", "/b", "/c", "/d");
      assertClosedByServerWithin(socket, 100L, 5000L);
    }
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAtTheIdleTimeoutWhenItComesBeforeTheHeaderTimeout()
      throws Exception {
    start(withIdle(Duration.ofMillis(400))); // header timeout 10 s
    try (Socket socket = connect()) {
      assertClosedByServerWithin(socket, 300L, 5000L);
    }
  }

  @Test
  void aHalfSentHeadIsNotIdleItRunsTheHeaderTimeout() throws Exception {
    start(
        new GuardLimits(
            8192,
            16384,
            Duration.ofMillis(1200),
            Duration.ofMillis(300),
            Duration.ofSeconds(30),
            1000,
            0,
            false));
    try (Socket socket = connect()) {
      socket.getOutputStream().write("GET /a HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
      long from = System.nanoTime();
      String answer = readAll(socket.getInputStream());
      assertThat(answer).startsWith("HTTP/1.1 408 ").contains("\"reason\":\"request_timeout\"");
      assertThat((System.nanoTime() - from) / 1_000_000).isBetween(1000L, 5000L);
    }
  }

  @Test
  void aRequestTakingLongerThanTheIdleTimeoutIsNotCut() throws Exception {
    start(withIdle(Duration.ofMillis(400)));
    try (Socket socket = connect()) {
      socket
          .getOutputStream()
          .write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readResponse(socket.getInputStream()))
          .startsWith("HTTP/1.1 200 ")
          .endsWith("/slow 0");
      assertThat(socket.getInputStream().read()).isEqualTo(-1); // then idle, then closed
    }
  }
}
