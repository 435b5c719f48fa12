package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The control socket, the event log and the command-line client against real edges: every command's
 * output and exit status, followers that see what happens after they started, a rolling restart
 * under load with no failed request, stopping and starting an app, two edges in one run directory
 * told apart, a stop that drains, and exit 3 when no edge runs.
 */
class ControlCliIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  @Test
  void withNoEdgeRunningEveryCommandExits3WithOneLine() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("run"));
    List<String[]> commands =
        List.of(
            new String[] {"status"},
            new String[] {"logs", "demo", "-f"},
            new String[] {"restart", "demo"},
            new String[] {"stop", "--timeout=5"});
    List<CompletableFuture<Cli.Result>> results = new ArrayList<>();
    for (String[] command : commands) {
      String[] args =
          Stream.concat(Stream.of(command), Stream.of("--run-dir=" + dir)).toArray(String[]::new);
      results.add(CompletableFuture.supplyAsync(() -> run(args)));
    }
    for (int i = 0; i < commands.size(); i++) {
      Cli.Result result = results.get(i).get(3, TimeUnit.MINUTES);
      assertThat(result.exit()).as(String.join(" ", commands.get(i))).isEqualTo(3);
      assertThat(result.out()).isEmpty();
      assertThat(result.errLines()).containsExactly("edge: no running edge in " + dir);
    }
    Path missing = tmp.resolve("nothing.sock");
    Cli.Result named = Cli.run("status", "--socket=" + missing);
    assertThat(named.exit()).isEqualTo(3);
    assertThat(named.errLines())
        .containsExactly("edge: no running edge at " + missing + " (no such socket)");
  }

  @Test
  void aRunningEdgeIsDrivenThroughItsControlSocket() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("run"));
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    Files.writeString(dir.resolve("edge-1.pid"), dead.pid() + "\n");
    Files.writeString(dir.resolve("edge-1.sock"), "");
    String runDir = "--run-dir=" + dir;
    EdgeProcess edge =
        EdgeProcess.startReady(2, "--workers=2", "--no-https", "--http-port=0", runDir);
    try {
      Path socket = dir.resolve("edge-" + edge.port() + ".sock");
      edge.awaitLine("edge: control socket " + socket, WAIT);
      assertThat(dir.resolve("edge-1.sock")).doesNotExist();
      assertThat(dir.resolve("edge-1.pid")).doesNotExist();
      assertThat(Files.getPosixFilePermissions(dir))
          .isEqualTo(PosixFilePermissions.fromString("rwx------"));
      assertThat(Files.getPosixFilePermissions(socket))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(Files.readString(dir.resolve("edge-" + edge.port() + ".pid")))
          .isEqualTo(edge.process.pid() + "\n");

      statusAndList(edge, runDir);
      long last = eventLog(edge, runDir);
      restartUnderLoadWithFollowers(edge, runDir, last);
      stopAndStartTheApp(edge, runDir);

      Cli.Result reload = Cli.run("reload", runDir);
      assertThat(reload.exit()).isEqualTo(1);
      assertThat(reload.errLines())
          .containsExactly(
              "edge: reload failed: the edge runs one app from the command line; no_edgefile;"
                  + " rejected");
      Cli.Result unknown = Cli.run("logs", "nope", runDir);
      assertThat(unknown.exit()).isEqualTo(1);
      assertThat(unknown.errLines())
          .containsExactly("edge: logs failed: no app nope (apps: demo); not_found");

      twoEdgesAreToldApart(edge, dir, socket);
      stopDrainsInFlightRequests(edge, runDir, dir);
    } finally {
      edge.close();
    }
  }

  private static void statusAndList(EdgeProcess edge, String runDir) throws Exception {
    Cli.Result status = Cli.run("status", runDir);
    assertThat(status.exit()).isZero();
    assertThat(status.err()).isEmpty();
    assertThat(status.outLines().get(0))
        .startsWith("edge pid " + edge.process.pid() + ", healthy, up ");
    assertThat(status.outLines().get(1)).isEqualTo("ports: http " + edge.port());
    assertThat(status.outLines().get(2)).startsWith("config: cli from command line, activated ");
    assertThat(status.outLines().subList(3, 5))
        .containsExactly(
            "APP   WORKERS  READY  INFLIGHT  QUEUE  HEALTH",
            "demo  2        2      0         0      ok");
    JsonNode json = EdgeProcess.JSON.readTree(Cli.run("status", "--json", runDir).out());
    assertThat(json.get("pid").asLong()).isEqualTo(edge.process.pid());
    assertThat(json.get("apps").get(0).get("ready").asInt()).isEqualTo(2);

    Cli.Result list = Cli.run("list", runDir);
    assertThat(list.exit()).isZero();
    assertThat(list.outLines()).hasSize(3);
    assertThat(list.outLines().get(0))
        .matches("APP +WORKER +PID +GEN +STATE +INFLIGHT +HANDLED +RSS +UPTIME +RESTARTS");
    List<Long> pids = edge.workerPids();
    assertThat(list.outLines().get(1))
        .matches("demo +w1 +" + pids.get(0) + " +1 +ready +0 +\\d+ +[0-9.]+ MiB +\\S+ +0");
    assertThat(list.outLines().get(2))
        .matches("demo +w2 +" + pids.get(1) + " +1 +ready +0 +\\d+ +[0-9.]+ MiB +\\S+ +0");
    JsonNode apps = EdgeProcess.JSON.readTree(Cli.run("list", "--json", runDir).out());
    assertThat(apps.get("apps").get(0).get("state").asString()).isEqualTo("running");
    assertThat(apps.get("apps").get(0).get("workerTable").get(1).get("pid").asLong())
        .isEqualTo(pids.get(1));

    Cli.Result logs = Cli.run("logs", "demo", runDir);
    assertThat(logs.exit()).isZero();
    assertThat(logs.outLines())
        .anyMatch(
            line -> line.startsWith("[demo w1] demo worker 1 (pid " + pids.get(0) + ") listening"));
    Cli.Result one = Cli.run("logs", "demo", "--worker=2", runDir);
    assertThat(one.outLines()).isNotEmpty().allMatch(line -> line.startsWith("[demo w2] "));
  }

  /** Checks the event log's numbering and {@code since}; returns the last number. */
  private static long eventLog(EdgeProcess edge, String runDir) throws Exception {
    JsonNode all = EdgeProcess.JSON.readTree(Cli.run("events", "--json", runDir).out());
    long last = all.get("last").asLong();
    JsonNode events = all.get("events");
    assertThat(events.size()).isEqualTo((int) last);
    for (int i = 0; i < events.size(); i++) {
      JsonNode event = events.get(i);
      assertThat(event.get("seq").asLong()).isEqualTo(i + 1);
      assertThat(edge.lines("seq=" + (i + 1) + " " + event.get("event").asString() + " "))
          .as("log line of event %s", event)
          .hasSize(1);
    }
    assertThat(events.findValues("event").stream().map(JsonNode::asString))
        .contains("server_start", "worker_start", "worker_ready");
    JsonNode since =
        EdgeProcess.JSON.readTree(
            Cli.run("events", "--since=" + (last - 2), "--json", runDir).out());
    assertThat(since.get("events")).hasSize(2);
    assertThat(since.get("events").get(0)).isEqualTo(events.get((int) last - 2));
    assertThat(since.get("events").get(1)).isEqualTo(events.get((int) last - 1));
    Cli.Result human = Cli.run("events", "--since=" + (last - 1), runDir);
    JsonNode newest = events.get((int) last - 1);
    assertThat(human.outLines()).hasSize(1);
    assertThat(human.outLines().get(0))
        .startsWith(
            "seq="
                + last
                + " "
                + newest.get("t").asString()
                + " "
                + newest.get("event").asString()
                + " app=demo ");
    HttpResponse<String> overHttp = edge.get("/control/events?since=" + (last - 1));
    assertThat(overHttp.statusCode()).isEqualTo(200);
    JsonNode http = EdgeProcess.JSON.readTree(overHttp.body());
    assertThat(http.get("events")).containsExactly(events.get((int) last - 1));
    HttpResponse<java.util.stream.Stream<String>> stream =
        edge.http.send(
            HttpRequest.newBuilder(edge.uri("/control/events?follow=1&since=0")).build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(stream.headers().firstValue("content-type")).hasValue("application/x-ndjson");
    try (Stream<String> lines = stream.body()) {
      assertThat(lines.limit(2).map(line -> EdgeProcess.JSON.readTree(line).get("seq").asLong()))
          .containsExactly(1L, 2L);
    }
    return last;
  }

  private static void restartUnderLoadWithFollowers(EdgeProcess edge, String runDir, long last)
      throws Exception {
    long lastLine =
        EdgeProcess.JSON
            .readTree(Cli.run("logs", "demo", "--json", runDir).out())
            .get("last")
            .asLong();
    try (Cli.Follower events = new Cli.Follower("events", "-f", "--since=" + (last - 1), runDir);
        Cli.Follower logs =
            new Cli.Follower("logs", "demo", "-f", "--since=" + (lastLine - 1), runDir);
        LoadGenerator load = LoadGenerator.start(edge, 4, "/hello")) {
      events.await("seq=" + last + " ", WAIT); // both follow now: what comes next is new
      logs.await("[demo w", WAIT);
      Cli.Result restart = Cli.run("restart", "demo", runDir);
      assertThat(restart.exit()).as(restart.err()).isZero();
      assertThat(restart.out()).matches("demo: restarted, generation 2 serving \\(\\d+ ms\\)\n");
      load.runAtLeast(Duration.ofSeconds(2));
      load.close();
      assertThat(load.failures).isEmpty();
      assertThat(load.served()).isPositive();
      String start = events.await(" roll_start app=demo generation=2 trigger=control", WAIT);
      String complete = events.await(" roll_complete app=demo generation=2 ", WAIT);
      assertThat(seqOf(start)).isGreaterThan(last);
      assertThat(seqOf(complete)).isGreaterThan(seqOf(start));
      logs.await("[demo w3] demo worker 3 (pid ", WAIT);
      logs.await("[demo w4] demo worker 4 (pid ", WAIT);
    }
  }

  private static void stopAndStartTheApp(EdgeProcess edge, String runDir) throws Exception {
    Cli.Result stop = Cli.run("app-stop", "demo", runDir);
    assertThat(stop.exit()).as(stop.err()).isZero();
    assertThat(stop.out()).isEqualTo("demo: stopped (2 workers stopped)\n");
    HttpResponse<String> refused = edge.get("/hello");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(EdgeProcess.JSON.readTree(refused.body()).get("reason").asString())
        .isEqualTo("worker_unavailable");
    assertThat(Cli.run("list", runDir).outLines().get(1)).matches("demo +- +- +- +stopped( +-)+");
    Cli.Result restart = Cli.run("restart", "demo", runDir);
    assertThat(restart.exit()).isEqualTo(1);
    assertThat(restart.errLines())
        .containsExactly(
            "edge: restart demo failed: app demo is stopped (start it with `edge app-start`)");
    Cli.Result start = Cli.run("app-start", "demo", runDir);
    assertThat(start.exit()).as(start.err()).isZero();
    assertThat(start.out()).isEqualTo("demo: started, generation 3 serving\n");
    assertThat(edge.get("/hello").body()).isEqualTo("hello from edge\n");
    assertThat(Cli.run("app-start", "demo", runDir).out()).isEqualTo("demo: already running\n");
  }

  private static void twoEdgesAreToldApart(EdgeProcess first, Path dir, Path socket)
      throws Exception {
    try (EdgeProcess second =
        EdgeProcess.startReady(
            1, "--workers=1", "--no-https", "--http-port=0", "--run-dir=" + dir)) {
      Path other = dir.resolve("edge-" + second.port() + ".sock");
      second.awaitLine("edge: control socket " + other, WAIT);
      Cli.Result ambiguous = Cli.run("status", "--run-dir=" + dir);
      assertThat(ambiguous.exit()).isEqualTo(2);
      List<String> sockets =
          Stream.of(socket, other)
              .sorted()
              .map(s -> "  --socket=" + s + "  (pid " + pidOf(s, socket, first, second) + ")")
              .toList();
      assertThat(ambiguous.errLines())
          .containsExactly(
              "edge: 2 edges are running in " + dir + "; pick one with --socket:",
              sockets.get(0),
              sockets.get(1));
      assertThat(
              EdgeProcess.JSON
                  .readTree(Cli.run("status", "--json", "--socket=" + socket).out())
                  .get("pid")
                  .asLong())
          .isEqualTo(first.process.pid());
      assertThat(
              EdgeProcess.JSON
                  .readTree(Cli.run("status", "--json", "--socket=" + other).out())
                  .get("pid")
                  .asLong())
          .isEqualTo(second.process.pid());
      Cli.Result stop = Cli.run("stop", "--socket=" + other);
      assertThat(stop.exit()).as(stop.err()).isZero();
      assertThat(second.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(other).doesNotExist();
    }
  }

  private static long pidOf(Path socket, Path firstSocket, EdgeProcess first, EdgeProcess second) {
    return socket.equals(firstSocket) ? first.process.pid() : second.process.pid();
  }

  private static void stopDrainsInFlightRequests(EdgeProcess edge, String runDir, Path dir)
      throws Exception {
    CompletableFuture<HttpResponse<String>> slow =
        edge.http.sendAsync(
            HttpRequest.newBuilder(edge.uri("/sleep?ms=3000"))
                .timeout(Duration.ofSeconds(60))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    edge.awaitApp("inflight", 1, WAIT);
    long pid = edge.process.pid();
    Cli.Result stop = Cli.run("stop", "--timeout=20", runDir);
    assertThat(stop.exit()).as(stop.err()).isZero();
    assertThat(stop.outLines())
        .containsExactly(
            "edge pid " + pid + " stopping (requests get up to 20000 ms to finish)",
            "edge pid " + pid + " stopped");
    HttpResponse<String> done = slow.get(30, TimeUnit.SECONDS);
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(done.body()).isEqualTo("slept 3000 ms\n");
    assertThat(edge.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(edge.process.exitValue()).isZero();
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).isEmpty();
    }
    Cli.Result after = Cli.run("status", runDir);
    assertThat(after.exit()).isEqualTo(3);
    assertThat(after.errLines()).containsExactly("edge: no running edge in " + dir);
  }

  private static long seqOf(String line) {
    return Long.parseLong(line.replaceAll("^seq=(\\d+) .*", "$1"));
  }

  private static Cli.Result run(String... args) {
    try {
      return Cli.run(args);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
