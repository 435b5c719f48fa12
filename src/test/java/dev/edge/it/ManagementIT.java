package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The management listener ({@code --management-port}) of a real edge with a real demo worker:
 * readiness follows the only app's workers, a log level changed at runtime takes effect, {@code
 * /actuator/diagnostics} is {@code /diagnostics}, {@code /actuator/prometheus} passes promtool, and
 * the {@code edge} endpoint lists and restarts. One edge is shared; one more shows that without the
 * option nothing more listens and none of it is loaded.
 */
class ManagementIT {

  private static final Pattern MANAGEMENT_LINE =
      Pattern.compile("edge: management (http://127\\.0\\.0\\.1:(\\d+))/actuator");

  private static EdgeProcess edge;
  private static String management;

  @BeforeAll
  static void start() throws Exception {
    edge =
        EdgeProcess.start(List.of(), "--workers=1", "--read-timeout-ms=500", "--management-port=0");
    edge.awaitReady(1);
    Matcher url =
        MANAGEMENT_LINE.matcher(edge.awaitLine("edge: management ", Duration.ofSeconds(5)));
    assertThat(url.find()).isTrue();
    management = url.group(1);
  }

  @AfterAll
  static void stop() throws Exception {
    if (edge != null) {
      edge.close();
    }
  }

  private static HttpResponse<String> actuator(String method, String path, String json)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(management + "/actuator/" + path))
            .timeout(Duration.ofSeconds(60));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    request.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    return edge.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode get(String path, int status) throws Exception {
    HttpResponse<String> response = actuator("GET", path, null);
    assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(status);
    return EdgeProcess.JSON.readTree(response.body());
  }

  /** Polls readiness until it answers {@code status}; returns its body then. */
  private static JsonNode awaitReadiness(int status) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      HttpResponse<String> response = actuator("GET", "health/readiness", null);
      if (response.statusCode() == status) {
        return EdgeProcess.JSON.readTree(response.body());
      }
      assertThat(System.nanoTime())
          .as("readiness %d; last %s; output %s", status, response.body(), edge.output)
          .isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void readinessIsDownWhileTheOnlyAppHasNoReadyWorkerAndUpAfter() throws Exception {
    JsonNode up = awaitReadiness(200);
    assertThat(up.get("status").asString()).isEqualTo("UP");
    assertThat(up.at("/components/apps/components/demo/status").asString()).isEqualTo("UP");
    assertThat(up.at("/components/config/status").asString()).isEqualTo("UP");
    assertThat(up.at("/components/config/details/version").asString()).isEqualTo("cli");
    assertThat(up.at("/components/readinessState/status").asString()).isEqualTo("UP");
    assertThat(up.at("/components/certificates/components/dev-localhost/status").asString())
        .isEqualTo("UP");
    int restarts = edge.lines("worker_restart app=demo").size();

    // the only worker dies; it is replaced after a back-off of 1 s
    // (after a roll of another test, once the old generation is gone)
    edge.awaitApp("workers", 1, Duration.ofSeconds(60));
    edge.awaitReady(1);
    long pid = -1;
    for (JsonNode worker : get("edge", 200).at("/apps/0/workerTable")) {
      if (worker.get("state").asString().equals("ready")) {
        pid = worker.get("pid").asLong();
      }
    }
    assertThat(pid).isPositive();
    EdgeProcess.signal(pid, "KILL");
    JsonNode down = awaitReadiness(503);
    assertThat(down.get("status").asString()).isEqualTo("DOWN");
    assertThat(down.at("/components/apps/components/demo/status").asString()).isEqualTo("DOWN");
    assertThat(down.at("/components/apps/components/demo/details/ready").asInt()).isZero();
    assertThat(down.at("/components/config/status").asString()).isEqualTo("UP");
    // liveness is about the edge, not its apps: a dead worker never gets the edge restarted
    assertThat(get("health/liveness", 200).get("status").asString()).isEqualTo("UP");

    JsonNode back = awaitReadiness(200);
    assertThat(back.at("/components/apps/components/demo/details/ready").asInt()).isEqualTo(1);
    assertThat(edge.lines("worker_restart app=demo")).hasSize(restarts + 1);
  }

  @Test
  void aLogLevelSetAtRuntimeTakesEffect() throws Exception {
    assertThat(get("loggers/edge.errors", 200).get("effectiveLevel").asString()).isEqualTo("INFO");
    assertThat(
            actuator("POST", "loggers/edge.errors", "{\"configuredLevel\":\"OFF\"}").statusCode())
        .isEqualTo(204);
    JsonNode off = get("loggers/edge.errors", 200);
    assertThat(off.get("configuredLevel").asString()).isEqualTo("OFF");
    assertThat(off.get("effectiveLevel").asString()).isEqualTo("OFF");
    // a 504 (no response headers within --read-timeout-ms) is logged by edge.errors
    assertThat(edge.get("x", "/sleep?ms=1000", "X-Request-Id", "req-while-off").statusCode())
        .isEqualTo(504);

    assertThat(actuator("POST", "loggers/edge.errors", "{\"configuredLevel\":null}").statusCode())
        .isEqualTo(204);
    assertThat(get("loggers/edge.errors", 200).get("effectiveLevel").asString()).isEqualTo("INFO");
    assertThat(edge.get("x", "/sleep?ms=1000", "X-Request-Id", "req-while-on").statusCode())
        .isEqualTo(504);
    // lines are written in order: once the second is out, the first would have been too
    edge.awaitLine("req-while-on", Duration.ofSeconds(10));
    assertThat(edge.lines("req-while-off")).isEmpty();
  }

  @Test
  void actuatorDiagnosticsIsTheDiagnosticsDocumentApartFromTimeFields() throws Exception {
    assertThat(edge.get("/server").statusCode()).isEqualTo(200); // the connection both reuse
    edge.awaitApp("workers", 1, Duration.ofSeconds(60)); // no draining worker left from a roll
    edge.awaitApp("ready", 1, Duration.ofSeconds(60));
    // first the actuator's, then the main listener's: that request is recorded after its document
    JsonNode actuator = get("diagnostics", 200);
    HttpResponse<String> main = edge.get("/diagnostics");
    assertThat(main.statusCode()).isEqualTo(200);
    assertThat(withoutTimes(actuator))
        .isEqualTo(withoutTimes(EdgeProcess.JSON.readTree(main.body())));
    assertThat(actuator.get("apps").get(0).get("id").asString()).isEqualTo("demo");
  }

  /**
   * The document without what moves with the clock: uptimes and last use, each worker's RSS (read
   * from /proc at each call), and the heap's use and size now.
   */
  private static JsonNode withoutTimes(JsonNode document) {
    ObjectNode copy = (ObjectNode) document.deepCopy();
    copy.remove("uptime");
    ((ObjectNode) copy.get("memory")).remove(List.of("heapUsedBytes", "heapCommittedBytes"));
    for (JsonNode app : copy.get("apps")) {
      for (JsonNode worker : app.get("workerTable")) {
        ((ObjectNode) worker).remove(List.of("uptime", "lastUsed", "rss"));
      }
    }
    return copy;
  }

  @Test
  void actuatorPrometheusIsTheSameRegistryAndPassesPromtool() throws Exception {
    HttpResponse<String> scrape = actuator("GET", "prometheus", null);
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/plain;version=0.0.4");
    ObservabilityIT.assertPromtoolAccepts(scrape.body());
    // refreshed before the scrape, like /metrics: the per-worker gauge names the live worker
    assertThat(scrape.body())
        .containsPattern("edge_inflight_worker\\{app=\"demo\",worker=\"\\d+\"}");
    Set<String> families = families(scrape.body());
    assertThat(families).contains("edge_workers_ready", "edge_inflight_worker");
    assertThat(families).isEqualTo(families(edge.get("/metrics").body()));
  }

  /**
   * The edge's own metric families ({@code edge_*}, registered only in the edge's registry); the
   * JVM's may first appear between two scrapes (a first concurrent GC cycle).
   */
  private static Set<String> families(String scrape) {
    Set<String> names = new TreeSet<>();
    scrape
        .lines()
        .filter(l -> l.startsWith("# TYPE edge_"))
        .forEach(l -> names.add(l.split(" ")[2]));
    return names;
  }

  @Test
  void theEdgeEndpointListsWorkersAndRestartsAndReloads() throws Exception {
    edge.awaitApp("workers", 1, Duration.ofSeconds(60)); // no draining worker left from a roll
    edge.awaitApp("ready", 1, Duration.ofSeconds(60));
    JsonNode apps = get("edge", 200);
    assertThat(apps.get("config").asString()).isEqualTo("cli");
    assertThat(apps.get("apps")).hasSize(1);
    JsonNode demo = apps.get("apps").get(0);
    assertThat(demo.get("id").asString()).isEqualTo("demo");
    assertThat(demo.get("workerTable")).hasSize(1);
    assertThat(demo.at("/workerTable/0/state").asString()).isEqualTo("ready");
    long generation = demo.get("generation").asLong();

    HttpResponse<String> restart = actuator("POST", "edge/restart/demo", null);
    assertThat(restart.statusCode()).as(restart.body()).isEqualTo(200);
    JsonNode roll = EdgeProcess.JSON.readTree(restart.body());
    assertThat(roll.get("completed").asBoolean()).isTrue();
    assertThat(roll.get("generation").asLong()).isEqualTo(generation + 1);
    assertThat(
            edge.lines(
                "roll_start app=demo generation=" + (generation + 1) + " trigger=management"))
        .hasSize(1);

    assertThat(actuator("POST", "edge/restart/nope", null).statusCode()).isEqualTo(404);
    HttpResponse<String> reload = actuator("POST", "edge/reload", null);
    assertThat(reload.statusCode()).isEqualTo(422);
    assertThat(EdgeProcess.JSON.readTree(reload.body()).get("reason").asString())
        .isEqualTo("no_edgefile");

    JsonNode info = get("info", 200);
    assertThat(info.at("/build/version").asString()).isEqualTo("0.1.0");
    assertThat(info.at("/build/time").asString()).isNotEmpty();
    assertThat(info.at("/edge/config/version").asString()).isEqualTo("cli");
    assertThat(get("threaddump", 200).get("threads").size()).isPositive();
    assertThat(get("metrics/edge.workers.ready", 200).at("/measurements/0/value").asDouble())
        .isEqualTo(1.0);
    assertThat(listeningPorts(edge.process.pid()))
        .containsExactlyInAnyOrder(
            edge.port(), edge.httpsPort(), Integer.parseInt(management.replaceAll(".*:", "")));
  }

  @Test
  void withoutTheOptionNothingMoreListensAndNoneOfItIsLoaded(@TempDir Path dir) throws Exception {
    Path classes = dir.resolve("classes.log");
    try (EdgeProcess plain =
        EdgeProcess.start(List.of("-Xlog:class+load=info:file=" + classes), "--workers=1")) {
      plain.awaitLine("edge: http://", Duration.ofSeconds(120));
      plain.awaitReady(1);
      assertThat(listeningPorts(plain.process.pid()))
          .containsExactlyInAnyOrder(plain.port(), plain.httpsPort());
      assertThat(plain.lines("management")).isEmpty();
      String loaded = Files.readString(classes, StandardCharsets.UTF_8);
      assertThat(loaded).contains("dev.edge.EdgeServer ");
      for (String absent :
          new String[] {
            "dev.edge.manage.",
            // Spring Boot's check of the web application type loads WebFlux's DispatcherHandler
            // and deducer (never initialized); none of WebFlux's set-up or server follows
            "org.springframework.boot.webflux.autoconfigure.",
            "org.springframework.boot.webflux.actuate.",
            "org.springframework.web.reactive.config.",
            "org.springframework.boot.reactor.netty.NettyWebServer ",
            "org.springframework.boot.health."
          }) {
        assertThat(loaded).as("loaded classes").doesNotContain(absent);
      }
    }
  }

  /** The TCP ports process {@code pid} listens on (its sockets in LISTEN state, IPv4 and IPv6). */
  static Set<Integer> listeningPorts(long pid) throws Exception {
    Set<String> inodes = new TreeSet<>();
    try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (java.io.IOException e) {
          // closed while listing
        }
      }
    }
    Set<Integer> ports = new TreeSet<>();
    for (String table : new String[] {"tcp", "tcp6"}) {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", table))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
          ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
        }
      }
    }
    return ports;
  }
}
