package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Queue timeout and read timeout (time to the worker's response headers), each a 504. */
class TimeoutsIT {

  @Test
  void aRequestThatWaitsTooLongInTheQueueGets504AndASlowWorker504() throws Exception {
    try (EdgeProcess edge =
        EdgeProcess.startReady(
            1,
            "--workers=1",
            "--max-inflight=1",
            "--queue-timeout-ms=500",
            "--read-timeout-ms=2000")) {
      CompletableFuture<HttpResponse<String>> slow =
          edge.http.sendAsync(
              HttpRequest.newBuilder(edge.uri("/sleep?ms=6000")).build(),
              HttpResponse.BodyHandlers.ofString());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (edge.status().get("apps").get(0).get("inflight").asInt() != 1) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(10);
      }

      HttpResponse<String> queued = edge.get("/hello");
      assertThat(queued.statusCode()).isEqualTo(504);
      JsonNode queueProblem = EdgeProcess.JSON.readTree(queued.body());
      assertThat(queueProblem.get("reason").asString()).isEqualTo("queue_timeout");
      assertThat(queueProblem.get("detail").asString())
          .isEqualTo("app demo: no worker freed up within 500 ms");

      HttpResponse<String> timedOut = slow.get(30, TimeUnit.SECONDS);
      assertThat(timedOut.statusCode()).isEqualTo(504);
      JsonNode readProblem = EdgeProcess.JSON.readTree(timedOut.body());
      assertThat(readProblem.get("reason").asString()).isEqualTo("upstream_timeout");
      assertThat(readProblem.get("title").asString()).isEqualTo("Upstream did not answer in time");
      assertThat(readProblem.get("requestId").asString())
          .isEqualTo(timedOut.headers().firstValue("x-request-id").orElseThrow());

      assertThat(edge.get("/hello").statusCode())
          .as("the slot came back after the timeout")
          .isEqualTo(200);
    }
  }

  @Test
  void requestsArrivingBeforeAnyWorkerIsReadyWaitForIt() throws Exception {
    try (EdgeProcess edge = EdgeProcess.start(java.util.List.of(), "--workers=1")) {
      HttpResponse<String> first =
          edge.http.send(
              HttpRequest.newBuilder(edge.uri("/hello")).timeout(Duration.ofSeconds(60)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.body()).isEqualTo("hello from edge\n");
    }
  }
}
