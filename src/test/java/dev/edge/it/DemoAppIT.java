package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The demo app through the real edge: endpoints, headers, request ids, built-in endpoints. */
class DemoAppIT {

  private static EdgeProcess edge;

  @BeforeAll
  static void start() throws Exception {
    edge = EdgeProcess.startReady(2, "--workers=2");
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  @Test
  void demoEndpoints() throws Exception {
    HttpResponse<String> page = edge.get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(page.body()).contains("<h1>edge demo app</h1>");

    assertThat(edge.get("/hello").body()).isEqualTo("hello from edge\n");

    HttpResponse<String> chat = edge.get("/chat");
    assertThat(chat.statusCode()).isEqualTo(200);
    assertThat(chat.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(chat.body()).contains("'/realtime?channels=/'");

    HttpResponse<String> bytes = edge.get("/bytes?n=100000");
    assertThat(bytes.statusCode()).isEqualTo(200);
    assertThat(bytes.body()).hasSize(100_000).matches("x+");
    assertThat(bytes.headers().firstValue("content-length")).hasValue("100000");

    assertThat(edge.get("/sleep?ms=20").body()).isEqualTo("slept 20 ms\n");

    HttpResponse<String> echo =
        edge.http.send(
            HttpRequest.newBuilder(edge.uri("/echo"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("ping ☺"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(echo.statusCode()).isEqualTo(200);
    assertThat(echo.body()).isEqualTo("ping ☺");

    JsonNode worker = EdgeProcess.JSON.readTree(edge.get("/worker").body());
    assertThat(worker.get("workerId").asLong()).isBetween(1L, 2L);
    assertThat(worker.get("generation").asLong()).isEqualTo(1);
    assertThat(worker.get("appId").asString()).isEqualTo("demo");
    assertThat(worker.get("pid").asLong()).isPositive();
    assertThat(worker.get("requests").asLong()).isGreaterThanOrEqualTo(0);

    HttpResponse<String> missing = edge.get("/missing");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).isEqualTo("not found\n");
  }

  @Test
  void chunkedUploadsReachTheWorkerWholeAndTheConnectionStaysInStep() throws Exception {
    String body = "chunk-".repeat(5000);
    for (int i = 0; i < 3; i++) {
      RawHttp.Response echo =
          RawHttp.exchange(
              edge.port(),
              "POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
                  + "Connection: close\r\n\r\n"
                  + Integer.toHexString(body.length())
                  + "\r\n"
                  + body
                  + "\r\n0\r\n\r\n");
      assertThat(echo.status()).isEqualTo(200);
      assertThat(echo.body()).isEqualTo(body);
    }
    HttpResponse<String> streamed =
        edge.http.send(
            HttpRequest.newBuilder(edge.uri("/echo"))
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(body.getBytes())))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(streamed.statusCode()).isEqualTo(200);
    assertThat(streamed.body()).isEqualTo(body);
  }

  @Test
  void builtInEndpoints() throws Exception {
    HttpResponse<String> server = edge.get("/server");
    assertThat(server.statusCode()).isEqualTo(200);
    assertThat(server.body()).isEqualTo("ok");

    HttpResponse<String> status = edge.get("/status");
    assertThat(status.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode doc = EdgeProcess.JSON.readTree(status.body());
    assertThat(doc.propertyNames())
        .containsExactly("status", "version", "uptime", "ports", "config", "apps");
    assertThat(doc.get("config").get("version").asString()).isEqualTo("cli");
    assertThat(doc.get("config").get("source").asString()).isEqualTo("command line");
    assertThat(doc.get("config").get("routes").asInt()).isEqualTo(1);
    assertThat(doc.get("status").asString()).isEqualTo("healthy");
    assertThat(doc.get("version").asString()).isEqualTo("0.1.0");
    assertThat(doc.get("ports").get("http").asInt()).isEqualTo(edge.port());
    JsonNode app = doc.get("apps").get(0);
    assertThat(app.propertyNames())
        .containsExactly("id", "workers", "ready", "inflight", "queueDepth", "degraded");
    assertThat(app.get("degraded").asBoolean()).isFalse();
    assertThat(app.get("id").asString()).isEqualTo("demo");
    assertThat(app.get("workers").asInt()).isEqualTo(2);
    assertThat(app.get("ready").asInt()).isEqualTo(2);
  }

  @Test
  void aSaneRequestIdIsKeptAndReachesTheWorker() throws Exception {
    HttpResponse<String> response =
        edge.http.send(
            HttpRequest.newBuilder(edge.uri("/headers"))
                .header("X-Request-Id", "trace-42.a:b_c")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.headers().allValues("x-request-id")).containsExactly("trace-42.a:b_c");
    assertThat(response.body()).contains("x-request-id: trace-42.a:b_c\n");
  }

  @Test
  void anInsaneRequestIdIsReplacedEverywhere() throws Exception {
    HttpResponse<String> response =
        edge.http.send(
            HttpRequest.newBuilder(edge.uri("/headers"))
                .header("X-Request-Id", "x".repeat(200))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String id = response.headers().firstValue("x-request-id").orElseThrow();
    assertThat(id).matches("req-[0-9a-f]{16}");
    assertThat(response.body()).contains("x-request-id: " + id + "\n");
  }

  @Test
  void forwardingHeadersAreSetAndHopByHopHeadersStripped() throws Exception {
    RawHttp.Response response =
        RawHttp.exchange(
            edge.port(),
            "GET /headers HTTP/1.1\r\nHost: app.example:8443\r\nConnection: keep-alive, X-Hop\r\n"
                + "X-Hop: secret\r\nKeep-Alive: timeout=5\r\nX-Forwarded-For: 6.6.6.6\r\n"
                + "X-End: kept\r\nConnection: close, X-Hop2\r\nX-Hop2: also\r\n\r\n");
    assertThat(response.status()).isEqualTo(200);
    List<String> lines = List.of(response.body().split("\n"));
    assertThat(lines)
        .contains(
            "host: app.example:8443",
            "x-forwarded-for: 127.0.0.1",
            "x-forwarded-proto: http",
            "x-forwarded-host: app.example:8443",
            "x-end: kept")
        .noneMatch(
            line ->
                line.startsWith("x-hop:")
                    || line.startsWith("x-hop2:")
                    || line.startsWith("keep-alive:")
                    || line.contains("6.6.6.6"))
        .noneMatch(line -> line.startsWith("connection:"));
  }

  @Test
  void aClientThatLeavesBeforeTheAnswerIsLoggedAs499AndTheWorkerFreed() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", edge.port())) {
      socket
          .getOutputStream()
          .write(
              "GET /sleep?ms=1500 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      Thread.sleep(300);
    }
    String line = edge.awaitLine("ms 499 ", Duration.ofSeconds(10));
    assertThat(line).endsWith(" 499 - - GET /sleep");
    HttpResponse<String> after = edge.get("/hello");
    assertThat(after.statusCode()).isEqualTo(200);
  }

  @Test
  void redirectsPassThroughUntouched() throws Exception {
    HttpResponse<String> response = edge.get("/redirect");
    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().firstValue("location")).hasValue("/hello");
  }

  @Test
  void workerOutputIsCapturedWithAppAndWorkerPrefix() throws Exception {
    assertThat(edge.lines("[demo w1] demo worker 1 (pid ")).hasSize(1);
    assertThat(edge.lines("[demo w2] demo worker 2 (pid ")).hasSize(1);
  }
}
