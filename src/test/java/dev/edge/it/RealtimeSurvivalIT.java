package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The hub holds its clients through reloads, rolling restarts and crashes of the app; history lets
 * a client catch up after a reconnect; a client that stops reading is cut off without slowing the
 * others. One edge from an Edgefile whose site keeps 5 messages of history per channel.
 */
class RealtimeSurvivalIT {

  @TempDir static Path dir;
  private static EdgeProcess edge;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    Path edgefile = dir.resolve("Edgefile");
    Files.writeString(
        edgefile,
        """
        version: 1
        edge: {workers: 2}
        apps:
          web: {builtin: demo}
        sites:
          main:
            hosts: ["*"]
            realtime: {history: 5}
            routes:
              - {path: /*, app: web}
        """);
    edge =
        EdgeProcess.start(
            List.of(),
            "--edgefile=" + edgefile,
            "--realtime-send-queue=64",
            "--realtime-send-queue-kb=64");
    edge.awaitReady(2);
    port = edge.port();
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  private static int presence(String channel) throws Exception {
    return EdgeProcess.JSON
        .readTree(edge.get("/realtime/presence?channel=" + channel).body())
        .get("count")
        .asInt();
  }

  private static void awaitPresence(String channel, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (presence(channel) != count) {
      assertThat(System.nanoTime()).as("%d clients in %s", count, channel).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static int publish(String body) throws Exception {
    HttpResponse<String> answer =
        edge.http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/publish"))
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return EdgeProcess.JSON.readTree(answer.body()).get("recipients").asInt();
  }

  private static JsonNode json(String text) {
    return EdgeProcess.JSON.readTree(text);
  }

  @Test
  void fiftyClientsSurviveAReloadARollingRestartAndAWorkerKilled() throws Exception {
    List<WsClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        clients.add(WsClient.connect(port, "?channels=/all"));
      }
      awaitPresence("/all", 50);
      assertThat(publish("{\"@\":\"/all\",\"n\":1}")).isEqualTo(50);

      edge.signal("HUP");
      edge.awaitLine("config_", Duration.ofSeconds(30));
      assertThat(publish("{\"@\":\"/all\",\"n\":2}")).isEqualTo(50);

      edge.signal("USR1");
      assertThat(publish("{\"@\":\"/all\",\"n\":3}")).isEqualTo(50);
      clients.get(0).send("during the roll");
      edge.awaitLine("roll_complete app=web", Duration.ofSeconds(60));
      assertThat(publish("{\"@\":\"/all\",\"n\":4}")).isEqualTo(50);

      List<Long> pids = edge.workerPids();
      new ProcessBuilder("kill", "-9", Long.toString(pids.get(pids.size() - 1))).start().waitFor();
      assertThat(publish("{\"@\":\"/all\",\"n\":5}")).isEqualTo(50);
      edge.awaitLine("cause=crash", Duration.ofSeconds(30));
      edge.awaitApp("ready", 2, Duration.ofSeconds(60));
      assertThat(publish("{\"@\":\"/all\",\"n\":6}")).isEqualTo(50);

      for (int i = 0; i < clients.size(); i++) {
        WsClient client = clients.get(i);
        List<Integer> numbers = new ArrayList<>();
        int texts = 0;
        while (numbers.size() < 6) {
          JsonNode message = json(client.next());
          if (message.has("n")) {
            numbers.add(message.get("n").asInt());
          } else {
            assertThat(message.get("text").asString()).isEqualTo("during the roll");
            texts++;
          }
        }
        assertThat(numbers).as("client %d", i).containsExactly(1, 2, 3, 4, 5, 6);
        if (i > 0 && texts == 0) {
          assertThat(json(client.next()).get("text").asString()).isEqualTo("during the roll");
        }
        assertThat(client.closed).as("client %d still connected", i).isNotDone();
      }
      assertThat(presence("/all")).isEqualTo(50);
    } finally {
      clients.forEach(WsClient::close);
    }
  }

  @Test
  void aReconnectingClientCatchesUpWithNoGapAndNoDuplicate() throws Exception {
    long last;
    try (WsClient first = WsClient.connect(port, "?channels=/h")) {
      awaitPresence("/h", 1);
      for (int i = 1; i <= 3; i++) {
        publish("{\"@\":\"/h\",\"i\":" + i + "}");
      }
      JsonNode third = null;
      for (int i = 1; i <= 3; i++) {
        third = json(first.next());
        assertThat(third.get("i").asInt()).isEqualTo(i);
      }
      last = third.get("_offset").asLong();
    }
    awaitPresence("/h", 0);
    publish("{\"@\":\"/h\",\"i\":4}");
    publish("{\"@\":\"/h\",\"i\":5}");
    try (WsClient again = WsClient.connect(port, "?channels=/h&since=" + last)) {
      JsonNode four = json(again.next());
      JsonNode five = json(again.next());
      assertThat(four.get("i").asInt()).isEqualTo(4);
      assertThat(four.get("_offset").asLong()).isGreaterThan(last);
      assertThat(five.get("i").asInt()).isEqualTo(5);
      awaitPresence("/h", 1);
      publish("{\"@\":\"/h\",\"i\":6}");
      assertThat(json(again.next()).get("i").asInt()).isEqualTo(6);
      assertThat(again.drain(Duration.ofMillis(300))).as("no duplicate").isEmpty();
    }
    for (int i = 7; i <= 12; i++) {
      publish("{\"@\":\"/h\",\"i\":" + i + "}");
    }
    try (WsClient late = WsClient.connect(port, "?channels=/h&since=" + last)) {
      assertThat(late.next()).as("history keeps 5 per channel").isEqualTo("{\"reset\":true}");
    }
  }

  /**
   * A WebSocket client with a small receive buffer that completes the handshake and then never
   * reads (the JDK's client and the kernel's buffer autotuning would absorb megabytes first).
   */
  private static java.net.Socket stuckClient(String channel) throws Exception {
    java.net.Socket socket = new java.net.Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(10_000);
    socket
        .getOutputStream()
        .write(
            ("GET /realtime?channels="
                    + channel
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    StringBuilder head = new StringBuilder();
    var in = socket.getInputStream();
    while (!head.toString().endsWith("\r\n\r\n")) {
      head.append((char) in.read());
    }
    assertThat(head.toString()).startsWith("HTTP/1.1 101 ");
    return socket;
  }

  @Test
  void aClientThatStopsReadingIsCutOffAndTheOthersGetEverythingInOrder() throws Exception {
    List<WsClient> readers = new ArrayList<>();
    try (java.net.Socket stuck = stuckClient("/slow")) {
      for (int i = 0; i < 3; i++) {
        readers.add(WsClient.connect(port, "?channels=/slow"));
      }
      awaitPresence("/slow", 4);
      String filler = "x".repeat(4000);
      int batches = 80;
      for (int b = 0; b < batches; b++) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 50; i++) {
          body.append(i == 0 ? "" : ",")
              .append("{\"@\":\"/slow\",\"k\":")
              .append(b * 50 + i)
              .append(",\"f\":\"")
              .append(filler)
              .append("\"}");
        }
        publish(body.append(']').toString());
      }
      for (WsClient reader : readers) {
        for (int k = 0; k < batches * 50; k++) {
          assertThat(json(reader.next()).get("k").asInt()).isEqualTo(k);
        }
      }
      awaitPresence("/slow", 3);
      JsonNode realtime =
          EdgeProcess.JSON.readTree(edge.get("/diagnostics").body()).get("realtime");
      assertThat(realtime.get("slowConsumers").asInt()).isEqualTo(1);
    } finally {
      readers.forEach(WsClient::close);
    }
  }
}
