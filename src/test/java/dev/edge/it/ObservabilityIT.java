package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Metrics, {@code /diagnostics}, {@code /metrics} and the access log against a real edge: counts
 * after a known sequence of requests (served, app 404, queued, queue timeout, shed, rejected), the
 * exact JSON shape, Prometheus text that {@code promtool} accepts, and access log lines.
 */
class ObservabilityIT {

  @Test
  void countsMoveExactlyAfterAKnownSequence() throws Exception {
    try (EdgeProcess edge =
        EdgeProcess.startReady(
            1, "--workers=1", "--max-inflight=1", "--max-queue=1", "--queue-timeout-ms=400")) {
      for (int i = 0; i < 3; i++) {
        assertThat(edge.get("/hello?secret=" + i).statusCode()).isEqualTo(200);
      }
      assertThat(edge.get("/missing").statusCode()).isEqualTo(404);
      // one request holds the only worker; the next waits and times out; then one waits (and
      // times out) while another finds the queue full
      CompletableFuture<HttpResponse<String>> holder = async(edge, "/sleep?ms=2500");
      awaitInflight(edge, 1);
      assertThat(edge.get("/hello").statusCode()).isEqualTo(504);
      CompletableFuture<HttpResponse<String>> waiting = async(edge, "/hello");
      awaitQueue(edge, 1);
      assertThat(edge.get("/hello").statusCode()).isEqualTo(503);
      assertThat(waiting.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(504);
      assertThat(holder.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(edge.get("/status").statusCode()).isEqualTo(200);
      RawHttp.Response smuggled =
          RawHttp.exchange(
              edge.port(),
              "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
      assertThat(smuggled.status()).isEqualTo(400);

      JsonNode doc = EdgeProcess.JSON.readTree(edge.get("/diagnostics").body());
      assertThat(doc.propertyNames())
          .containsExactly(
              "status",
              "version",
              "uptime",
              "config",
              "apps",
              "metrics",
              "gauges",
              "hosts",
              "realtime",
              "memory",
              "tls");
      assertThat(doc.get("version").get("server").asString()).isEqualTo("0.1.0");
      JsonNode metrics = doc.get("metrics");
      assertThat(metrics.propertyNames())
          .containsExactly(
              "requests",
              "responses",
              "latency",
              "queue",
              "queueWait",
              "workers",
              "rejected",
              "rateLimited",
              "acme");
      assertThat(metrics.get("acme").toString())
          .as("rip's acme counters, zero with ACME off")
          .isEqualTo("{\"obtained\":0,\"renewals\":0,\"failures\":0}");
      assertThat(doc.get("tls").propertyNames())
          .containsExactly("certificates", "handshakeFailures");
      assertThat(metrics.get("requests").asLong()).isEqualTo(8);
      assertThat(metrics.get("responses").get("2xx").asLong()).isEqualTo(4);
      assertThat(metrics.get("responses").get("4xx").asLong()).isEqualTo(1);
      assertThat(metrics.get("responses").get("5xx").asLong()).isEqualTo(3);
      assertThat(metrics.get("queue").get("queued").asLong()).isEqualTo(2);
      assertThat(metrics.get("queue").get("timeouts").asLong()).isEqualTo(2);
      assertThat(metrics.get("queue").get("shed").asLong()).isEqualTo(1);
      assertThat(metrics.get("rejected").get("queue_timeout").asLong()).isEqualTo(2);
      assertThat(metrics.get("rejected").get("queue_full").asLong()).isEqualTo(1);
      assertThat(metrics.get("rejected").get("bad_framing").asLong()).isEqualTo(1);
      assertThat(metrics.get("latency").get("p99").asDouble()).isGreaterThan(2.0);
      JsonNode app = doc.get("apps").get(0);
      assertThat(app.get("id").asString()).isEqualTo("demo");
      assertThat(app.get("requests").asLong()).isEqualTo(5);
      JsonNode worker = app.get("workerTable").get(0);
      assertThat(worker.propertyNames())
          .containsExactly(
              "id",
              "pid",
              "generation",
              "state",
              "inflight",
              "handled",
              "lastUsed",
              "uptime",
              "restarts",
              "rss");
      assertThat(worker.get("state").asString()).isEqualTo("ready");
      assertThat(worker.get("handled").asLong()).isEqualTo(5);
      assertThat(worker.get("rss").asLong()).isGreaterThan(1_000_000);
      assertThat(doc.get("gauges").get("workersActive").asInt()).isEqualTo(1);
      assertThat(doc.get("hosts").get(0).asString()).isEqualTo("*");

      String scrape = edge.get("/metrics").body();
      assertThat(scrape)
          .contains(
              "edge_requests_total{app=\"demo\",method=\"GET\",route=\"command line\",status=\"2xx\"} 4.0")
          .contains(
              "edge_requests_total{app=\"demo\",method=\"GET\",route=\"command line\",status=\"5xx\"} 3.0")
          .contains("edge_queue_shed_total{app=\"demo\"} 1.0")
          .contains("edge_queue_timeouts_total{app=\"demo\"} 2.0")
          .contains("edge_rejections_total{reason=\"queue_full\"} 1.0")
          .contains("edge_rejections_total{reason=\"bad_framing\"} 1.0")
          .contains("edge_worker_starts_total{app=\"demo\"} 1.0")
          .contains("edge_request_duration_seconds_bucket{app=\"demo\",le=\"+Inf\"} 8")
          .contains("edge_inflight_worker{app=\"demo\",worker=\"1\"}");
      assertPromtoolAccepts(scrape);

      List<String> access = edge.lines("B GET /hello");
      assertThat(access).hasSize(6);
      assertThat(access.get(0))
          .matches(".*Z \\d+\\.\\d\\dms 200 text/plain; charset=utf-8 16B GET /hello");
      assertThat(String.join("\n", edge.lines("GET /"))).doesNotContain("secret");
      assertThat(edge.lines(" 503 application/problem+json ")).hasSize(1);
    }
  }

  @Test
  void jsonAccessLogAndTurningThingsOff() throws Exception {
    try (EdgeProcess edge = EdgeProcess.startReady(1, "--workers=1", "--json-logging")) {
      assertThat(edge.get("/hello?q=1").statusCode()).isEqualTo(200);
      String line = edge.awaitLine("\"path\":\"/hello\"", Duration.ofSeconds(10));
      JsonNode entry = EdgeProcess.JSON.readTree(line.substring(line.indexOf('{')));
      assertThat(entry.propertyNames())
          .containsExactly(
              "t",
              "requestId",
              "app",
              "route",
              "worker",
              "method",
              "path",
              "status",
              "bytes",
              "totalSeconds",
              "queueSeconds",
              "workerSeconds",
              "ip");
      assertThat(entry.get("app").asString()).isEqualTo("demo");
      assertThat(entry.get("worker").asLong()).isEqualTo(1);
      assertThat(entry.get("status").asInt()).isEqualTo(200);
      assertThat(entry.get("bytes").asLong()).isEqualTo(16);
      assertThat(entry.get("ip").asString()).isEqualTo("127.0.0.1");
      assertThat(entry.get("workerSeconds").asDouble()).isGreaterThan(0);
    }
    try (EdgeProcess edge =
        EdgeProcess.startReady(1, "--workers=1", "--no-access-log", "--no-metrics")) {
      assertThat(edge.get("/hello").statusCode()).isEqualTo(200);
      assertThat(edge.get("/metrics").statusCode()).isEqualTo(404);
      Thread.sleep(500);
      assertThat(edge.lines(" GET /hello")).isEmpty();
    }
  }

  /**
   * The operator endpoints answer loopback clients or the admin token only. A remote client is
   * simulated through a trusted proxy on loopback: the edge then sees the forwarded address.
   */
  @Test
  void operatorEndpointsNeedLoopbackOrTheAdminToken() throws Exception {
    String token = "test-admin-token-0123456789";
    try (EdgeProcess edge =
        EdgeProcess.startReady(
            1, "--workers=1", "--trusted-proxies=127.0.0.1", "--admin-token=" + token)) {
      String remote = "203.0.113.5";
      for (String path : List.of("/diagnostics", "/metrics", "/_edge/", "/_edge/dashboard.js")) {
        HttpResponse<String> refused = edge.get("x", path, "X-Forwarded-For", remote);
        assertThat(refused.statusCode()).as(path).isEqualTo(403);
        assertThat(EdgeProcess.JSON.readTree(refused.body()).get("reason").asString())
            .isEqualTo("forbidden");
        assertThat(
                edge.get("x", path, "X-Forwarded-For", remote, "Authorization", "Bearer wrong")
                    .statusCode())
            .as(path)
            .isEqualTo(403);
        assertThat(
                edge.get("x", path, "X-Forwarded-For", remote, "Authorization", "Bearer " + token)
                    .statusCode())
            .as(path)
            .isEqualTo(200);
        assertThat(edge.get("x", path).statusCode()).as(path + " from loopback").isEqualTo(200);
      }
      assertThat(edge.get("x", "/status", "X-Forwarded-For", remote).statusCode()).isEqualTo(200);
      assertThat(edge.get("x", "/server", "X-Forwarded-For", remote).statusCode()).isEqualTo(200);
      HttpResponse<String> reload =
          edge.http.send(
              HttpRequest.newBuilder(edge.uri("/control/reload"))
                  .header("X-Forwarded-For", remote)
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(reload.statusCode()).isEqualTo(403);
      HttpResponse<String> fromAPage =
          edge.http.send(
              HttpRequest.newBuilder(edge.uri("/control/stop"))
                  .header("Origin", "https://evil.example")
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(fromAPage.statusCode()).as("a web page cannot stop the edge").isEqualTo(403);
      assertThat(fromAPage.body()).contains("needs the admin token");
      HttpResponse<String> withToken =
          edge.http.send(
              HttpRequest.newBuilder(edge.uri("/control/reload"))
                  .header("Origin", "https://evil.example")
                  .header("Authorization", "Bearer " + token)
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(withToken.statusCode()).as(withToken.body()).isNotEqualTo(403);
      assertThat(edge.get("x", "/server").statusCode()).as("still serving").isEqualTo(200);
    }
  }

  static void assertPromtoolAccepts(String scrape) throws Exception {
    Process promtool;
    try {
      promtool =
          new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      throw new AssertionError(
          "promtool is required (Debian package prometheus; ./test installs it)", e);
    }
    promtool.getOutputStream().write(scrape.getBytes(StandardCharsets.UTF_8));
    promtool.getOutputStream().close();
    String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(promtool.exitValue()).as("promtool check metrics: %s", output).isZero();
  }

  private static CompletableFuture<HttpResponse<String>> async(EdgeProcess edge, String path)
      throws InterruptedException {
    return edge.http.sendAsync(
        HttpRequest.newBuilder(edge.uri(path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitInflight(EdgeProcess edge, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (edge.status().get("apps").get(0).get("inflight").asInt() != n) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private static void awaitQueue(EdgeProcess edge, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (edge.status().get("apps").get(0).get("queueDepth").asInt() != n) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(5);
    }
  }
}
