package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** SIGTERM: requests in flight finish, queued ones past the grace get 503, no worker survives. */
class ShutdownIT {

  private static CompletableFuture<HttpResponse<String>> async(EdgeProcess edge, String path)
      throws InterruptedException {
    return edge.http.sendAsync(
        HttpRequest.newBuilder(edge.uri(path)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitInflight(EdgeProcess edge, int expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (edge.status().get("apps").get(0).get("inflight").asInt() != expected) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private static void assertWorkersGone(List<Long> pids) throws InterruptedException {
    assertThat(pids).isNotEmpty();
    for (long pid : pids) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("worker %d gone", pid)
          .isFalse();
    }
  }

  @Test
  void inFlightRequestsCompleteAndTheEdgeExitsZeroWithNoWorkerLeft() throws Exception {
    EdgeProcess edge = EdgeProcess.startReady(2, "--workers=2");
    List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      inFlight.add(async(edge, "/sleep?ms=2000"));
    }
    awaitInflight(edge, 8);
    List<Long> pids = edge.workerPids();

    edge.signal("TERM");

    for (CompletableFuture<HttpResponse<String>> response : inFlight) {
      HttpResponse<String> done = response.get(30, TimeUnit.SECONDS);
      assertThat(done.statusCode()).isEqualTo(200);
      assertThat(done.body()).isEqualTo("slept 2000 ms\n");
    }
    assertThat(edge.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(edge.process.exitValue()).isZero();
    assertWorkersGone(pids);
    assertThat(edge.lines("server_stop")).hasSize(1);
  }

  @Test
  void onSigintRequestsStillQueuedWhenTheGraceEndsGet503ShuttingDown() throws Exception {
    EdgeProcess edge =
        EdgeProcess.startReady(1, "--workers=1", "--max-inflight=1", "--shutdown-grace-ms=1000");
    CompletableFuture<HttpResponse<String>> running = async(edge, "/sleep?ms=3000");
    awaitInflight(edge, 1);
    CompletableFuture<HttpResponse<String>> queued = async(edge, "/hello");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (edge.status().get("apps").get(0).get("queueDepth").asInt() != 1) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(10);
    }
    List<Long> pids = edge.workerPids();

    edge.signal("INT");

    HttpResponse<String> refused = queued.get(30, TimeUnit.SECONDS);
    assertThat(refused.statusCode()).isEqualTo(503);
    JsonNode problem = EdgeProcess.JSON.readTree(refused.body());
    assertThat(problem.get("reason").asString()).isEqualTo("shutting_down");
    assertThat(refused.headers().firstValue("retry-after")).hasValue("1");
    assertThat(running.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(edge.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(edge.process.exitValue()).isZero();
    assertWorkersGone(pids);
  }
}
