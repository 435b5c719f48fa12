package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The realtime hub with real WebSocket clients (the JDK's) against a real edge whose demo workers
 * answer the events: the demo subscribes a client to the channels of its {@code ?channels=} and
 * sends its texts to them, excluding the sender.
 */
class RealtimeIT {

  private static EdgeProcess edge;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    edge =
        EdgeProcess.startReady(
            2, "--workers=2", "--realtime-message-rate=100000", "--trusted-proxies=127.0.0.1/32");
    port = edge.port();
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  /** Connects a client to {@code channels} and waits until presence shows it there. */
  private static WsClient join(String channels) throws Exception {
    List<String> before = presence(channels.split(",")[0]);
    WsClient client = WsClient.connect(port, "?channels=" + channels);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (presence(channels.split(",")[0]).size() == before.size()) {
      assertThat(System.nanoTime()).as("joined %s", channels).isLessThan(deadline);
      Thread.sleep(20);
    }
    return client;
  }

  /** The id of the client {@code join} just added to {@code channel}. */
  private static String newest(String channel, List<String> before) throws Exception {
    List<String> now = new ArrayList<>(presence(channel));
    now.removeAll(before);
    assertThat(now).hasSize(1);
    return now.get(0);
  }

  private static List<String> presence(String channel) throws Exception {
    HttpResponse<String> answer = edge.get("/realtime/presence?channel=" + channel);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonNode doc = EdgeProcess.JSON.readTree(answer.body());
    List<String> ids = new ArrayList<>();
    doc.get("clients").forEach(id -> ids.add(id.asString()));
    assertThat(doc.get("count").asInt()).isEqualTo(ids.size());
    return ids;
  }

  private static HttpResponse<String> publish(String body, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/publish"))
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    try {
      return edge.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.net.http.HttpTimeoutException e) {
      List<String> out = edge.output;
      throw new AssertionError(
          "publish timed out; edge output: "
              + out.subList(Math.max(0, out.size() - 30), out.size()),
          e);
    }
  }

  @Test
  void channelsClientsExclusionSubscribeAndClose() throws Exception {
    List<String> none = presence("/lobby");
    try (WsClient a = join("/lobby")) {
      String idA = newest("/lobby", none);
      List<String> withA = presence("/lobby");
      try (WsClient b = join("/lobby");
          WsClient c = join("/news")) {
        String idB = newest("/lobby", withA);
        assertThat(idA).matches("[0-9a-f]{32}");

        a.send("hello");
        assertThat(b.next()).isEqualTo("{\"from\":\"" + idA + "\",\"text\":\"hello\"}");

        HttpResponse<String> toClient = publish("{\"@\":[\"" + idB + "\"],\"direct\":1}");
        assertThat(toClient.statusCode()).isEqualTo(200);
        assertThat(toClient.body()).isEqualTo("{\"recipients\":1}");
        assertThat(b.next()).isEqualTo("{\"direct\":1}");

        assertThat(publish("{\"@\":\"/lobby\",\">\":[\"" + idA + "\"],\"n\":2}").body())
            .isEqualTo("{\"recipients\":1}");
        assertThat(b.next()).isEqualTo("{\"n\":2}");

        String idC = presence("/news").get(0);
        publish("{\"@\":[\"" + idC + "\"],\"+\":[\"/lobby\"],\"-\":[\"/news\"]}");
        assertThat(presence("/lobby")).contains(idC);
        assertThat(presence("/news")).doesNotContain(idC);
        assertThat(publish("{\"@\":\"/lobby\",\"n\":3}").body()).isEqualTo("{\"recipients\":3}");
        assertThat(List.of(a.next(), b.next(), c.next())).containsOnly("{\"n\":3}");

        a.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(10, TimeUnit.SECONDS);
        publish("{\"@\":[\"" + idB + "\"],\"*\":\"kicked\"}");
        assertThat(b.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1000 kicked");
        assertThat(a.drain(Duration.ofMillis(300))).as("binary answered with nothing").isEmpty();
        assertThat(c.drain(Duration.ofMillis(1))).isEmpty();
      }
    }
  }

  @Test
  void aThousandMessagesFromOneClientReachTheAppInOrder() throws Exception {
    try (WsClient receiver = join("/order");
        WsClient sender = join("/order")) {
      receiver.drain(Duration.ofMillis(100));
      for (int i = 0; i < 1000; i++) {
        sender.send(Integer.toString(i));
      }
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        JsonNode message = EdgeProcess.JSON.readTree(receiver.next());
        texts.add(message.get("text").asString());
      }
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        expected.add(Integer.toString(i));
      }
      assertThat(texts).isEqualTo(expected);
      assertThat(receiver.drain(Duration.ofMillis(200))).isEmpty();
    }
  }

  @Test
  void publishWithoutASecretAnswersLoopbackOnlyAndRefusesBadJson() throws Exception {
    HttpResponse<String> remote =
        publish("{\"@\":\"/x\",\"a\":1}", "X-Forwarded-For", "203.0.113.9");
    assertThat(remote.statusCode()).isEqualTo(403);
    assertThat(remote.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    HttpResponse<String> invalid = publish("{nope");
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(invalid.body()).contains("\"reason\":\"invalid_body\"");
    assertThat(publish("{\"@\":\"/nobody\",\"a\":1}").body()).isEqualTo("{\"recipients\":0}");
    HttpResponse<String> forged =
        edge.http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/realtime"))
                .header("X-Edge-Client-Id", "0".repeat(32))
                .header("Sec-WebSocket-Frame", "text")
                .POST(HttpRequest.BodyPublishers.ofString("hi"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode())
        .as("the app never sees a client's own X-Edge-Client-Id")
        .isEqualTo(400);
  }

  @Test
  void anUpgradeRequestAnsweredBeforeItsBodyArrivedDoesNotStallTheConnection() throws Exception {
    // Java's HTTP/2 client sends "Upgrade: h2c" with every plain-HTTP request; a 403 sent before
    // the body arrived used to leave the connection's scanner paused, so the next request hung.
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      var out = socket.getOutputStream();
      var in =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(
                  socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
      for (int i = 0; i < 3; i++) {
        out.write(
            ("POST /publish HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n"
                    + "X-Forwarded-For: 203.0.113.9\r\nContent-Length: 7\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.flush();
        assertThat(in.readLine()).isEqualTo("HTTP/1.1 403 Forbidden");
        skipResponse(in);
        out.write("{\"a\":1}".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(
            "GET /server HTTP/1.1\r\nHost: x\r\n\r\n"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.flush();
        assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
        skipResponse(in);
      }
    }
  }

  /** Reads past one response's head and its Content-Length body. */
  private static void skipResponse(java.io.BufferedReader in) throws Exception {
    int length = 0;
    for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    for (int i = 0; i < length; i++) {
      in.read();
    }
  }

  @Test
  void withASecretPublishNeedsTheBearerTokenFromAnywhere() throws Exception {
    String secret = "s3cret-publish-token-0123";
    try (EdgeProcess secured =
        EdgeProcess.startReady(
            1, "--workers=1", "--publish-secret=" + secret, "--trusted-proxies=127.0.0.1/32")) {
      java.util.function.Function<String[], HttpResponse<String>> send =
          headers -> {
            try {
              HttpRequest.Builder request =
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + secured.port() + "/publish"))
                      .timeout(Duration.ofSeconds(20))
                      .POST(HttpRequest.BodyPublishers.ofString("{\"@\":\"/x\",\"a\":1}"));
              if (headers.length > 0) {
                request.headers(headers);
              }
              return secured.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
              throw new AssertionError(e);
            }
          };
      HttpResponse<String> none = send.apply(new String[0]);
      assertThat(none.statusCode()).as("no token, even from loopback").isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
      assertThat(none.body()).contains("\"reason\":\"unauthorized\"");
      assertThat(
              send.apply(new String[] {"Authorization", "Bearer wrong-token-000000000"})
                  .statusCode())
          .isEqualTo(401);
      HttpResponse<String> right =
          send.apply(
              new String[] {"Authorization", "Bearer " + secret, "X-Forwarded-For", "203.0.113.9"});
      assertThat(right.statusCode()).as("the token works from anywhere").isEqualTo(200);
      assertThat(right.body()).isEqualTo("{\"recipients\":0}");
    }
  }

  @Test
  void diagnosticsCountTheHub() throws Exception {
    JsonNode realtime = EdgeProcess.JSON.readTree(edge.get("/diagnostics").body()).get("realtime");
    assertThat(realtime.propertyNames())
        .containsExactly(
            "clients",
            "groups",
            "deliveries",
            "messages",
            "connections",
            "published",
            "dropped",
            "slowConsumers",
            "eventFailures");
    assertThat(edge.get("/metrics").body())
        .contains("edge_realtime_clients ")
        .contains("edge_realtime_deliveries_total ");
  }
}
