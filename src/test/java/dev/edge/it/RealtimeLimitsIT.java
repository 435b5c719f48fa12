package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The hub's per-client limits: frame size, message rate, clients per address and in all, pings. */
class RealtimeLimitsIT {

  @Test
  void eachLimitClosesOrRefusesWithItsOwnStatus() throws Exception {
    try (EdgeProcess edge =
        EdgeProcess.startReady(
            1,
            "--workers=1",
            "--realtime-max-frame-kb=1",
            "--realtime-message-rate=5",
            "--realtime-max-per-address=2",
            "--realtime-max-clients=3",
            "--realtime-ping-ms=300")) {
      int port = edge.port();
      try (WsClient big = WsClient.connect(port, "?channels=/a")) {
        big.send("x".repeat(2000));
        assertThat(big.closed.get(10, TimeUnit.SECONDS)).startsWith("1009 ");
      }
      try (WsClient chatty = WsClient.connect(port, "?channels=/a")) {
        for (int i = 0; i < 20 && !chatty.closed.isDone(); i++) {
          try {
            chatty.send("m" + i);
          } catch (ExecutionException e) {
            break; // closed while sending
          }
        }
        assertThat(chatty.closed.get(10, TimeUnit.SECONDS))
            .isEqualTo("1008 more than 5 messages per second");
      }
      awaitClients(edge, 0);
      try (WsClient one = WsClient.connect(port, "");
          WsClient two = WsClient.connect(port, "")) {
        awaitClients(edge, 2);
        assertThat(refusal(port)).as("a third client from one address").isEqualTo(429);
      }
      awaitClients(edge, 0);
      try (java.net.Socket a = upgrade(port, "127.0.0.2");
          java.net.Socket b = upgrade(port, "127.0.0.3");
          java.net.Socket c = upgrade(port, "127.0.0.4")) {
        awaitClients(edge, 3);
        try (java.net.Socket fourth = new java.net.Socket("127.0.0.1", port)) {
          assertThat(handshake(fourth))
              .as("a fourth client from a fourth address: --realtime-max-clients=3")
              .startsWith("HTTP/1.1 503 ");
        }
      }
      awaitClients(edge, 0);
      try (java.net.Socket silent = new java.net.Socket("127.0.0.1", port)) {
        silent
            .getOutputStream()
            .write(
                ("GET /realtime HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        silent.setSoTimeout(10_000);
        awaitClients(edge, 1);
        long started = System.nanoTime();
        byte[] all = silent.getInputStream().readAllBytes(); // pings, then the close, then EOF
        assertThat(new String(all, java.nio.charset.StandardCharsets.ISO_8859_1))
            .as("a client that never answers pings is closed")
            .contains("no answer to pings");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(10);
      }
      awaitClients(edge, 0);
    }
  }

  @Test
  void aMassDisconnectReachesTheAppAsEveryCloseEventWithoutFillingItsQueue() throws Exception {
    int clients = 60;
    try (EdgeProcess edge =
        EdgeProcess.startReady(1, "--workers=1", "--max-inflight=1", "--max-queue=4")) {
      List<WsClient> open = new java.util.ArrayList<>();
      for (int i = 0; i < clients; i++) {
        open.add(WsClient.connect(edge.port(), "?channels=/all"));
      }
      awaitClients(edge, clients);
      open.forEach(WsClient::close); // all at once: 60 close events for an app that holds 5
      awaitClients(edge, 0);
      String want =
          "edge_requests_total{app=\"demo\",method=\"POST\",route=\"realtime\",status=\"2xx\"} "
              + (2.0 * clients);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      String scrape = edge.get("/metrics").body();
      while (!scrape.contains(want) && System.nanoTime() < deadline) {
        Thread.sleep(100);
        scrape = edge.get("/metrics").body();
      }
      assertThat(scrape).as("every open and close event answered by the app").contains(want);
      assertThat(scrape).doesNotContain("edge_queue_shed_total{app=\"demo\"} 1");
      assertThat(
              EdgeProcess.JSON
                  .readTree(edge.get("/diagnostics").body())
                  .at("/realtime/eventFailures")
                  .asInt())
          .isZero();
    }
  }

  /** A WebSocket client from {@code localAddress}, upgraded; the caller closes it. */
  private static java.net.Socket upgrade(int port, String localAddress) throws Exception {
    java.net.Socket socket =
        new java.net.Socket(
            java.net.InetAddress.getLoopbackAddress(),
            port,
            java.net.InetAddress.getByName(localAddress),
            0);
    assertThat(handshake(socket)).startsWith("HTTP/1.1 101 ");
    return socket;
  }

  /** Sends a WebSocket upgrade on {@code socket} and returns the answer's head. */
  private static String handshake(java.net.Socket socket) throws Exception {
    socket.setSoTimeout(10_000);
    socket
        .getOutputStream()
        .write(
            ("GET /realtime HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    StringBuilder head = new StringBuilder();
    java.io.InputStream in = socket.getInputStream();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  private static int refusal(int port) throws Exception {
    try {
      HttpClient.newHttpClient()
          .newWebSocketBuilder()
          .buildAsync(
              URI.create("ws://127.0.0.1:" + port + "/realtime"), new WebSocket.Listener() {})
          .join()
          .abort();
      return 101;
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        HttpResponse<?> response = refused.getResponse();
        return response.statusCode();
      }
      throw e;
    }
  }

  private static void awaitClients(EdgeProcess edge, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (EdgeProcess.JSON
            .readTree(edge.get("/diagnostics").body())
            .at("/realtime/clients")
            .asInt()
        != count) {
      assertThat(System.nanoTime()).as("%d realtime clients", count).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
