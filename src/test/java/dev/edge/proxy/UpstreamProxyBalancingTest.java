package dev.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Least-inflight choice and passive health across two real upstreams. */
class UpstreamProxyBalancingTest {

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final MutableClock clock = new MutableClock();
  private TestUpstream a;
  private TestUpstream b;
  private TestEdge edge;

  @BeforeEach
  void start() {
    a = TestUpstream.start("a");
    b = TestUpstream.start("b");
    edge = new TestEdge(clock).to(a.uri(), b.uri());
  }

  @AfterEach
  void stop() {
    edge.close();
    a.close();
    b.close();
  }

  @Test
  void concurrentSlowRequestsSpreadToTheLeastBusyUpstream() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      responses.add(
          http.sendAsync(
              HttpRequest.newBuilder(edge.uri("/sleep?ms=1500")).build(),
              HttpResponse.BodyHandlers.ofString()));
      awaitInflight(i);
    }
    assertThat(edge.state(a.uri()).inflight()).isEqualTo(5);
    assertThat(edge.state(b.uri()).inflight()).isEqualTo(5);

    Map<String, Integer> answeredBy = new TreeMap<>();
    for (CompletableFuture<HttpResponse<String>> response : responses) {
      HttpResponse<String> done = response.get(30, TimeUnit.SECONDS);
      assertThat(done.statusCode()).isEqualTo(200);
      answeredBy.merge(done.body(), 1, Integer::sum);
    }
    assertThat(answeredBy).isEqualTo(Map.of("a", 5, "b", 5));
    awaitIdle();
  }

  @Test
  void aDeadUpstreamIsSkippedDuringItsCoolDownAndTriedAgainAfter() throws Exception {
    int port = a.port();
    a.close();

    for (int i = 0; i < 10; i++) {
      assertThat(serverOf(get())).isEqualTo("b");
    }
    assertThat(b.requests.get()).isEqualTo(10);
    UpstreamState dead = edge.state(a.uri());
    assertThat(dead.consecutiveFailures()).as("only the first request tried it").isEqualTo(1);
    assertThat(dead.downUntil()).isEqualTo(clock.instant().plusSeconds(10));

    clock.advance(Duration.ofSeconds(9));
    assertThat(serverOf(get())).isEqualTo("b");
    assertThat(edge.state(a.uri()).consecutiveFailures()).as("still cooling down").isEqualTo(1);

    clock.advance(Duration.ofSeconds(2));
    assertThat(serverOf(get())).isEqualTo("b");
    assertThat(edge.state(a.uri()).consecutiveFailures()).as("tried again").isEqualTo(2);

    a = TestUpstream.start("a", port);
    clock.advance(Duration.ofSeconds(11));
    assertThat(serverOf(get())).isEqualTo("a");
    assertThat(edge.state(a.uri()).consecutiveFailures()).isZero();
    assertThat(edge.state(a.uri()).downUntil()).isNull();
    assertThat(b.requests.get()).isEqualTo(12);
  }

  @Test
  void whenAllAreDownTheyAreStillTriedEarliestRecoveryFirst() throws Exception {
    URI aUri = a.uri();
    int bPort = b.port();
    a.close();
    b.close();

    assertThat(get().statusCode()).isEqualTo(502);
    assertThat(edge.state(aUri).consecutiveFailures()).isEqualTo(1);
    assertThat(edge.state(b.uri()).consecutiveFailures()).isEqualTo(1);

    HttpResponse<String> again = get();
    assertThat(again.statusCode()).isEqualTo(502);
    assertThat(TestUpstream.JSON.readTree(again.body()).get("detail").asString())
        .isEqualTo("none of the 2 upstreams could be reached");
    assertThat(edge.state(aUri).consecutiveFailures()).as("tried while down").isEqualTo(2);
    assertThat(edge.state(b.uri()).consecutiveFailures()).as("tried while down").isEqualTo(2);

    b = TestUpstream.start("b", bPort);
    clock.advance(Duration.ofSeconds(1));
    assertThat(serverOf(get())).isEqualTo("b");
    assertThat(edge.state(aUri).consecutiveFailures()).isEqualTo(3);
    assertThat(edge.state(b.uri()).consecutiveFailures()).isZero();
    assertThat(edge.state(b.uri()).downUntil()).isNull();
  }

  private HttpResponse<String> get() throws Exception {
    return http.send(
        HttpRequest.newBuilder(edge.uri("/echo")).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String serverOf(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode echo = TestUpstream.JSON.readTree(response.body());
    return echo.get("server").asString();
  }

  /** The edge releases an upstream once the response is written, maybe after the client read it. */
  private void awaitIdle() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (edge.health.snapshot().stream().mapToInt(UpstreamState::inflight).sum() != 0) {
      assertThat(System.nanoTime()).as("nothing left in flight").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private void awaitInflight(int total) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (edge.health.snapshot().stream().mapToInt(UpstreamState::inflight).sum() < total) {
      assertThat(System.nanoTime()).as("in flight: " + total).isLessThan(deadline);
      Thread.sleep(5);
    }
  }
}
