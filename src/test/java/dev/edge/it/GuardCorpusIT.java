package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.guard.GuardCorpus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The request guard end to end: every malformed request of the corpus, sent byte for byte to the
 * real edge, gets its exact problem response and a closed connection, and none reaches the worker;
 * well-formed requests that only look unusual still pass.
 */
class GuardCorpusIT {

  private static EdgeProcess edge;

  @BeforeAll
  static void start() throws Exception {
    edge = EdgeProcess.startReady(1, "--workers=1");
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  private static long workerRequests() throws Exception {
    return EdgeProcess.JSON.readTree(edge.get("/worker").body()).get("requests").asLong();
  }

  @Test
  void everyCorpusRequestIsRefusedExactlyAndNeverReachesTheWorker() throws Exception {
    long before = workerRequests();
    List<String> failures = new ArrayList<>();
    List<GuardCorpus.Case> cases = GuardCorpus.all();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(60);
    for (GuardCorpus.Case c : cases) {
      try (GuardSocket socket = new GuardSocket(edge.port(), 15_000)) {
        socket.send(c.request());
        RawHttp.Response response = socket.read();
        String problem = problem(c, response);
        if (problem == null && !socket.closedByServer()) {
          problem = "connection left open";
        }
        if (problem != null) {
          failures.add(c.name() + ": " + problem);
        }
      } catch (java.io.IOException e) {
        failures.add(c.name() + ": " + e);
      }
    }
    assertThat(failures).as("corpus failures (edge log: target/it-logs/)").isEmpty();
    // The first /worker request is counted once it finished; nothing else may be.
    assertThat(workerRequests()).isEqualTo(before + 1);
    assertThat(edge.lines("rejected request ")).hasSizeGreaterThanOrEqualTo(cases.size());
  }

  private static String problem(GuardCorpus.Case c, RawHttp.Response response) {
    if (response.status() != c.status() || !c.reason().equals(response.reason())) {
      return "got " + response.status() + " " + response.body();
    }
    JsonNode body = EdgeProcess.JSON.readTree(response.body());
    List<String> keys = new ArrayList<>();
    body.propertyNames().forEach(keys::add);
    if (!keys.equals(List.of("type", "title", "status", "detail", "reason", "requestId"))
        || body.get("status").asInt() != c.status()
        || !"application/problem+json".equals(response.headers().get("content-type"))
        || !"no-store".equals(response.headers().get("cache-control"))
        || !body.get("requestId").asString().equals(response.headers().get("x-request-id"))
        || response.headers().containsKey("server")) {
      return "not the problem shape: " + response;
    }
    return null;
  }

  @Test
  void chunkedUploadsWithExtensionsAndTrailersAreEchoed() throws Exception {
    try (GuardSocket socket = new GuardSocket(edge.port(), 15_000)) {
      socket.send(
          "POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "5;name=\"v\\\"al\"\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: yes\r\n\r\n");
      RawHttp.Response response = socket.read();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("hello, world");
    }
  }

  @Test
  void expectContinueGetsA100ThenTheAnswer() throws Exception {
    try (GuardSocket socket = new GuardSocket(edge.port(), 15_000)) {
      socket.send(
          "POST /echo HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n"
              + "Content-Length: 7\r\n\r\n");
      assertThat(socket.read().status()).isEqualTo(100);
      socket.send("payload");
      RawHttp.Response response = socket.read();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("payload");
    }
  }

  /**
   * No {@code Connection: close} on the last one: Reactor Netty 1.3.7 then answers the first of
   * several pipelined requests with {@code Connection: close} and drops the rest when the handler
   * is asynchronous, guard or not.
   */
  @Test
  void pipelinedRequestsInOneWriteAreAllAnsweredInOrder() throws Exception {
    try (GuardSocket socket = new GuardSocket(edge.port(), 15_000)) {
      socket.send(
          "GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n"
              + "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nfirst"
              + "HEAD /hello HTTP/1.1\r\nHost: localhost\r\n\r\n"
              + "POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "6\r\nsecond\r\n0\r\n\r\n"
              + "GET /sleep?ms=50 HTTP/1.1\r\nHost: localhost\r\n\r\n"
              + "GET /a..b HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertThat(socket.read().body()).isEqualTo("hello from edge\n");
      assertThat(socket.read().body()).isEqualTo("first");
      RawHttp.Response head = socket.read(true);
      assertThat(head.status()).isEqualTo(200);
      assertThat(socket.read().body()).isEqualTo("second");
      assertThat(socket.read().body()).isEqualTo("slept 50 ms\n");
      RawHttp.Response last = socket.read();
      assertThat(last.status()).isEqualTo(404);
      assertThat(last.body()).isEqualTo("not found\n");
    }
  }

  @Test
  void absoluteFormTargetsThatAgreeWithHostAreServed() throws Exception {
    int port = edge.port();
    try (GuardSocket socket = new GuardSocket(port, 15_000)) {
      socket.send(
          "GET http://localhost:"
              + port
              + "/hello HTTP/1.1\r\nHost: localhost:"
              + port
              + "\r\n\r\n"
              + "GET HTTP://LOCALHOST/hello?x=1 HTTP/1.1\r\nHost: localhost:80\r\n\r\n");
      assertThat(socket.read().body()).isEqualTo("hello from edge\n");
      assertThat(socket.read().body()).isEqualTo("hello from edge\n");
    }
  }

  @Test
  void unusualButValidPathsReachTheWorker() throws Exception {
    for (String target :
        List.of("/caf\u00e9", "/caf%C3%A9", "/a..b", "/v1..2/x", "/%E2%98%BA/./x", "/a/../b")) {
      try (GuardSocket socket = new GuardSocket(edge.port(), 15_000)) {
        socket.send(
            ("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        RawHttp.Response response = socket.read();
        assertThat(response.body()).as(target).isEqualTo("not found\n");
        assertThat(response.status()).as(target).isEqualTo(404);
      }
    }
  }

  @Test
  void headIsAnsweredWithoutABodyAndTheConnectionStaysUsable() throws Exception {
    try (GuardSocket socket = new GuardSocket(edge.port(), 15_000)) {
      socket.send("HEAD /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
      RawHttp.Response head = socket.read(true);
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.headers()).doesNotContainKey("server");
      socket.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertThat(socket.read().body()).isEqualTo("hello from edge\n");
    }
  }
}
