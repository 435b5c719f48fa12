package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Least-inflight spreading and the bounded queue, through the real edge with 2 demo workers of 2
 * in-flight slots each and a queue of 3.
 */
class SchedulingIT {

  private static final int WORKERS = 2;
  private static final int MAX_INFLIGHT = 2;
  private static final int MAX_QUEUE = 3;
  private static EdgeProcess edge;

  @BeforeAll
  static void start() throws Exception {
    edge =
        EdgeProcess.startReady(
            WORKERS,
            "--workers=" + WORKERS,
            "--max-inflight=" + MAX_INFLIGHT,
            "--max-queue=" + MAX_QUEUE);
  }

  @AfterAll
  static void stop() throws Exception {
    edge.close();
  }

  private CompletableFuture<HttpResponse<String>> async(String path) throws InterruptedException {
    return edge.http.sendAsync(
        HttpRequest.newBuilder(edge.uri(path)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private long workerId() throws Exception {
    return EdgeProcess.JSON.readTree(edge.get("/worker").body()).get("workerId").asLong();
  }

  private void awaitInflight(int expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (edge.status().get("apps").get(0).get("inflight").asInt() != expected) {
      assertThat(System.nanoTime()).as("in-flight reaches %d", expected).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void requestsGoToTheLeastBusyWorkerAndTiesToTheLowestId() throws Exception {
    awaitInflight(0);
    long low = workerId();
    // The edge releases a lease just after the client has the response: wait for it, or the
    // next pick may see a worker still busy with the previous probe.
    awaitInflight(0);
    CompletableFuture<HttpResponse<String>> first = async("/sleep?ms=2500");
    awaitInflight(1);
    long high = workerId();
    assertThat(high).as("the idle worker takes the next request").isNotEqualTo(low);
    assertThat(high).isGreaterThan(low);
    awaitInflight(1);

    CompletableFuture<HttpResponse<String>> second = async("/sleep?ms=2500");
    awaitInflight(2);
    assertThat(workerId()).as("one each: the tie goes to the lowest id").isEqualTo(low);

    assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(second.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void fillsTheWorkersThenTheQueueThenShedsTheRest() throws Exception {
    awaitInflight(0);
    int capacity = WORKERS * MAX_INFLIGHT;
    int overflow = 4;
    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
    for (int i = 0; i < capacity + MAX_QUEUE + overflow; i++) {
      responses.add(async("/sleep?ms=3000"));
    }
    List<HttpResponse<String>> done = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> response : responses) {
      done.add(response.get(60, TimeUnit.SECONDS));
    }

    List<HttpResponse<String>> served = done.stream().filter(r -> r.statusCode() == 200).toList();
    List<HttpResponse<String>> shed = done.stream().filter(r -> r.statusCode() == 503).toList();
    assertThat(served)
        .hasSize(capacity + MAX_QUEUE)
        .allSatisfy(r -> assertThat(r.body()).isEqualTo("slept 3000 ms\n"));
    assertThat(shed).hasSize(overflow);
    for (HttpResponse<String> response : shed) {
      assertThat(response.headers().firstValue("content-type"))
          .hasValue("application/problem+json");
      assertThat(response.headers().firstValue("retry-after")).hasValue("1");
      JsonNode problem = EdgeProcess.JSON.readTree(response.body());
      assertThat(problem.propertyNames())
          .containsExactly("type", "title", "status", "detail", "reason", "requestId");
      assertThat(problem.get("status").asInt()).isEqualTo(503);
      assertThat(problem.get("title").asString()).isEqualTo("Server busy");
      assertThat(problem.get("reason").asString()).isEqualTo("queue_full");
      assertThat(problem.get("detail").asString())
          .isEqualTo("app demo: every worker is busy and 3 requests are queued");
      assertThat(problem.get("requestId").asString())
          .isEqualTo(response.headers().firstValue("x-request-id").orElseThrow());
    }
    awaitInflight(0);
    assertThat(edge.status().get("apps").get(0).get("queueDepth").asInt()).isZero();
  }
}
