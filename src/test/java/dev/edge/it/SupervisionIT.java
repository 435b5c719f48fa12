package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Crashes, crash loops, recycling and failed health checks, with real child JVMs. */
class SupervisionIT {

  @Test
  void aWorkerKilledUnderLoadIsReplacedWithBackOffAndNoGetFails() throws Exception {
    try (EdgeProcess edge = EdgeProcess.startReady(2, "--workers=2")) {
      long victim = edge.workerPids().get(0);
      LoadGenerator load = LoadGenerator.start(edge, 6, "/hello", "/sleep?ms=20");
      Thread.sleep(1500);

      EdgeProcess.signal(victim, "KILL");
      edge.awaitLine(
          "worker_restart app=demo slot=0 attempt=1 backoffMs=1000", Duration.ofSeconds(10));
      edge.awaitLine("worker_ready app=demo worker=3 ", Duration.ofSeconds(30));
      load.runAtLeast(Duration.ofSeconds(5));
      load.close();

      assertThat(load.failures).as("failed GETs").isEmpty();
      assertThat(load.served()).isGreaterThan(100);
      assertThat(edge.lines("worker_exit app=demo worker=1 ").get(0))
          .contains("code=137")
          .contains("cause=crash");
      edge.awaitReady(2);
    }
  }

  @Test
  void profilingTheEdgeWithJfrRestartsNothing() throws Exception {
    try (EdgeProcess edge =
        EdgeProcess.start(
            List.of("-XX:StartFlightRecording=settings=profile,filename=target/it-cache/edge.jfr"),
            "--workers=1")) {
      edge.awaitReady(1);
      LoadGenerator load = LoadGenerator.start(edge, 2, "/hello");
      load.runAtLeast(Duration.ofSeconds(3));
      load.close();
      assertThat(load.failures).isEmpty();
      assertThat(edge.lines("roll_start")).as("JFR samples threads with SIGUSR2").isEmpty();
    }
  }

  @Test
  void aCrashLoopAbandonsTheSlotAndTheAppShowsDegraded(@TempDir Path dir) throws Exception {
    Path jar = AppJars.write(dir.resolve("loop.jar"), "dev.edge.fixture.FixtureApp", "crash");
    try (EdgeProcess edge =
        EdgeProcess.start(
            List.of(),
            "--workers=1",
            "--max-restarts=2",
            "--restart-window-ms=60000",
            "--json-logging",
            jar.toString())) {
      edge.awaitLine("\"event\":\"worker_abandon\"", Duration.ofSeconds(60));

      List<JsonNode> events = new ArrayList<>();
      for (String line : edge.lines("\"event\":\"")) {
        JsonNode event = EdgeProcess.JSON.readTree(line);
        assertThat(event.get("t").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        events.add(event);
      }
      assertThat(events.stream().map(e -> e.get("seq").asLong()).sorted())
          .as("every JSON event line carries its number, none missing")
          .isEqualTo(java.util.stream.LongStream.rangeClosed(1, events.size()).boxed().toList());
      assertThat(
              events.stream()
                  .map(e -> e.get("event").asString())
                  .filter(e -> e.startsWith("worker_")))
          .containsExactly(
              "worker_start",
              "worker_exit",
              "worker_restart",
              "worker_start",
              "worker_exit",
              "worker_restart",
              "worker_start",
              "worker_exit",
              "worker_abandon");
      assertThat(
              events.stream()
                  .filter(e -> e.get("event").asString().equals("worker_restart"))
                  .map(e -> e.get("backoffMs").asLong()))
          .containsExactly(1000L, 2000L);
      assertThat(
              events.stream()
                  .filter(e -> e.get("event").asString().equals("worker_exit"))
                  .map(e -> e.get("code").asInt()))
          .containsExactly(3, 3, 3);
      JsonNode abandon =
          events.stream()
              .filter(e -> e.get("event").asString().equals("worker_abandon"))
              .findFirst()
              .orElseThrow();
      assertThat(abandon.get("app").asString()).isEqualTo("loop");
      assertThat(abandon.get("slot").asInt()).isZero();
      assertThat(abandon.get("failures").asInt()).isEqualTo(3);
      assertThat(abandon.get("windowMs").asLong()).isEqualTo(60000);

      JsonNode status = edge.status();
      assertThat(status.get("status").asString()).isEqualTo("degraded");
      assertThat(status.get("apps").get(0).get("ready").asInt()).isZero();
    }
  }

  @Test
  void aWorkerIsRecycledAfterItsRequestLimitWithoutFailingARequest() throws Exception {
    try (EdgeProcess edge = EdgeProcess.startReady(1, "--workers=1", "--max-requests=5")) {
      List<String> workers = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        var response = edge.get("/worker");
        assertThat(response.statusCode()).isEqualTo(200);
        workers.add(EdgeProcess.JSON.readTree(response.body()).get("workerId").asString());
      }
      assertThat(workers)
          .containsExactly("1", "1", "1", "1", "1", "2", "2", "2", "2", "2", "3", "3");
      assertThat(edge.lines("worker_recycle app=demo")).hasSize(2);
      assertThat(edge.lines("worker_recycle app=demo worker=1 reason=requests requests=5"))
          .hasSize(1);
      assertThat(edge.lines("worker_restart")).isEmpty();
      edge.awaitLine("worker_exit app=demo worker=2 ", Duration.ofSeconds(10));
      assertThat(edge.lines("worker_exit app=demo worker=1 ").get(0)).contains("cause=recycled");
    }
  }

  @Test
  void aRecycledWorkerFinishesTheRequestItAccepted() throws Exception {
    try (EdgeProcess edge = EdgeProcess.startReady(1, "--workers=1", "--max-requests=2")) {
      assertThat(edge.get("/hello").statusCode()).isEqualTo(200);
      var slow =
          edge.http.sendAsync(
              java.net.http.HttpRequest.newBuilder(edge.uri("/sleep?ms=1500")).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      edge.awaitLine("worker_recycle app=demo worker=1 ", Duration.ofSeconds(10));
      var next = edge.get("/worker");
      assertThat(EdgeProcess.JSON.readTree(next.body()).get("workerId").asInt()).isEqualTo(2);

      var done = slow.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(done.statusCode()).isEqualTo(200);
      assertThat(done.body()).isEqualTo("slept 1500 ms\n");
      String exit = edge.awaitLine("worker_exit app=demo worker=1 ", Duration.ofSeconds(15));
      assertThat(exit).contains("cause=recycled");
    }
  }

  @Test
  void aWorkerIsRecycledAfterItsMaximumAge() throws Exception {
    try (EdgeProcess edge =
        EdgeProcess.startReady(1, "--workers=1", "--max-age-ms=1500", "--health-interval-ms=200")) {
      String recycled = edge.awaitLine("worker_recycle app=demo worker=1 ", Duration.ofSeconds(20));
      assertThat(recycled).contains("reason=age");
      edge.awaitLine("worker_ready app=demo worker=2 ", Duration.ofSeconds(30));
      edge.awaitLine("worker_exit app=demo worker=1 ", Duration.ofSeconds(10));
      assertThat(edge.lines("worker_exit app=demo worker=1 ").get(0)).contains("cause=recycled");
      assertThat(edge.lines("worker_restart")).isEmpty();
      assertThat(edge.get("/hello").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void anUnhealthyWorkerIsDrainedAndReplaced(@TempDir Path dir) throws Exception {
    Path jar = AppJars.write(dir.resolve("app.jar"), "dev.edge.fixture.FixtureApp", "1");
    try (EdgeProcess edge =
        EdgeProcess.startReady(
            1, "--workers=1", "--health-interval-ms=200", "--health-failures=2", jar.toString())) {
      assertThat(edge.get("/sick").body()).isEqualTo("sick");

      edge.awaitLine("worker_unhealthy app=app worker=1 failedChecks=2", Duration.ofSeconds(10));
      edge.awaitLine("worker_ready app=app worker=2 ", Duration.ofSeconds(30));
      assertThat(edge.lines("worker_exit app=app worker=1 ").get(0)).contains("cause=unhealthy");
      assertThat(edge.lines("worker_restart app=app slot=0 attempt=1 backoffMs=1000")).hasSize(1);
      edge.awaitReady(1);
      assertThat(edge.get("/worker").body()).isEqualTo("2 1");
    }
  }
}
