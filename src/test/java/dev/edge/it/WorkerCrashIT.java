package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A worker dies under load: only requests in flight on it may fail (each with a 502 worker_failed);
 * everything else is served by the other worker, and the dead one is replaced.
 */
class WorkerCrashIT {

  private static final int MAX_INFLIGHT = 8;

  @Test
  void onlyRequestsInFlightOnTheCrashedWorkerFail() throws Exception {
    try (EdgeProcess edge =
        EdgeProcess.startReady(2, "--workers=2", "--max-inflight=" + MAX_INFLIGHT)) {
      Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
      List<String> failures = new CopyOnWriteArrayList<>();
      ExecutorService clients = Executors.newFixedThreadPool(6);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
      for (int c = 0; c < 6; c++) {
        clients.execute(
            () -> {
              while (System.nanoTime() < end) {
                try {
                  HttpResponse<String> response =
                      edge.http.send(
                          HttpRequest.newBuilder(edge.uri("/sleep?ms=30"))
                              .timeout(Duration.ofSeconds(30))
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                  statuses
                      .computeIfAbsent(response.statusCode(), s -> new AtomicInteger())
                      .incrementAndGet();
                  if (response.statusCode() != 200) {
                    failures.add(response.body());
                  }
                } catch (Exception e) {
                  failures.add("client error: " + e);
                }
              }
            });
      }
      Thread.sleep(1500);
      HttpResponse<String> crash = edge.get("/crash");
      clients.shutdown();
      assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

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

      edge.awaitReady(2);
      assertThat(edge.lines("worker_exit app=demo").get(0)).contains("code=1");
      assertThat(edge.lines("worker_restart app=demo").get(0)).contains("attempt=1 backoffMs=1000");
      assertThat(edge.lines("worker_start app=demo worker=3 ")).hasSize(1);
    }
  }
}
