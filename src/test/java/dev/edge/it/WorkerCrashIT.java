package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A request that kills its worker ({@code GET /crash}) under load, with three workers. Being a GET
 * it is sent once more, to another worker, so it takes at most two workers with it and then fails
 * with {@code 502 worker_failed}. Requests in flight on the second worker are resent once to the
 * third; only requests that were in flight on the first worker (and then again on the second) can
 * fail, each with a 502; nothing else fails, and the dead workers are replaced.
 */
class WorkerCrashIT {

  private static final int MAX_INFLIGHT = 8;

  @Test
  void onlyRequestsInFlightOnTheCrashedWorkerFail() throws Exception {
    try (EdgeProcess edge =
        EdgeProcess.startReady(3, "--workers=3", "--max-inflight=" + MAX_INFLIGHT)) {
      LoadGenerator load = LoadGenerator.start(edge, 6, "/sleep?ms=30");
      Thread.sleep(1500);
      HttpResponse<String> crash = edge.get("/crash");
      load.runAtLeast(Duration.ofSeconds(4));
      load.close();
      List<String> failures = load.failures;
      Map<Integer, AtomicInteger> statuses = load.statuses;

      assertThat(crash.statusCode()).isEqualTo(502);
      assertThat(crash.body()).contains("\"reason\":\"worker_failed\"");
      int served = statuses.getOrDefault(200, new AtomicInteger()).get();
      assertThat(served).as("load kept being served").isGreaterThan(50);
      assertThat(failures)
          .as("failures: at most what was in flight on the crashed worker")
          .hasSizeLessThanOrEqualTo(MAX_INFLIGHT);
      assertThat(failures)
          .allSatisfy(
              body ->
                  assertThat(body)
                      .contains("\"status\":502")
                      .contains("\"reason\":\"worker_failed\""));
      assertThat(statuses.keySet()).isSubsetOf(200, 502);

      edge.awaitReady(3);
      assertThat(edge.lines("worker_exit app=demo").get(0)).contains("code=1");
      assertThat(edge.lines("worker_restart app=demo").get(0)).contains("attempt=1 backoffMs=1000");
      assertThat(edge.lines("worker_start app=demo worker=4 ")).hasSize(1);
    }
  }
}
