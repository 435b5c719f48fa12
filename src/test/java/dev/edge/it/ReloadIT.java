package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Reload under continuous load, through every trigger: add an app (file change), change a route
 * (SIGHUP), remove an app ({@code POST /control/reload}), then an invalid file — with zero failed
 * requests, and the invalid file leaving the previous routing in place.
 */
class ReloadIT {

  @TempDir Path dir;

  private static final String V1 =
      """
      version: 1
      edge: {workers: 1}
      apps:
        web: {builtin: demo}
      sites:
        main:
          hosts: [example.test]
          routes:
            - {path: /*, app: web}
      """;

  /** Adds app api on its own site. */
  private static final String V2 =
      """
      version: 1
      edge: {workers: 1}
      apps:
        web: {builtin: demo}
        api: {builtin: demo}
      sites:
        main:
          hosts: [example.test]
          routes:
            - {path: /*, app: web}
        svc:
          hosts: [svc.test]
          routes:
            - {path: /*, app: api}
      """;

  /** Changes a route: example.test/worker now goes to api. */
  private static final String V3 =
      V2.replace(
          "      - {path: /*, app: web}\n",
          "      - {path: /worker, app: api}\n      - {path: /*, app: web}\n");

  /** Removes app web: everything goes to api. */
  private static final String V4 =
      """
      version: 1
      edge: {workers: 1}
      apps:
        api: {builtin: demo}
      sites:
        main:
          hosts: [example.test]
          routes:
            - {path: /*, app: api}
        svc:
          hosts: [svc.test]
          routes:
            - {path: /*, app: api}
      """;

  private static final String INVALID = V4.replace("app: api}", "app: apii}");

  @Test
  void reloadsUnderLoadLoseNoRequestAndAnInvalidFileChangesNothing() throws Exception {
    Path edgefile = dir.resolve("Edgefile");
    write(edgefile, V1);
    try (EdgeProcess edge =
        EdgeProcess.start(List.of(), "--edgefile=" + edgefile, "--drain-timeout-ms=5000")) {
      edge.awaitApps(Map.of("web", 1));
      Load load = new Load(edge);
      try {
        load.awaitRequests(50);

        write(edgefile, V2);
        edge.awaitLine("config_applied attempt=1 trigger=file_change", Duration.ofSeconds(60));
        assertThat(edge.lines("newVersion=" + version(V2))).isNotEmpty();
        assertThat(appOf(edge.get("svc.test", "/worker"))).isEqualTo("api");
        assertThat(appOf(edge.get("example.test", "/worker"))).isEqualTo("web");
        load.awaitRequests(50);

        write(edgefile, V3);
        edge.signal("HUP");
        awaitVersion(edge, version(V3));
        assertThat(appOf(edge.get("example.test", "/worker"))).isEqualTo("api");
        assertThat(edge.get("example.test", "/hello").body()).isEqualTo("hello from edge\n");
        load.awaitRequests(50);

        write(edgefile, V4);
        HttpResponse<String> control = edge.post("/control/reload");
        assertThat(control.statusCode()).as(control.body()).isEqualTo(200);
        assertThat(json(control).get("result").asString()).isIn("applied", "unchanged");
        awaitVersion(edge, version(V4));
        edge.awaitLine("app_retired app=web", Duration.ofSeconds(30));
        edge.awaitApps(Map.of("api", 1));
        assertThat(appOf(edge.get("example.test", "/worker"))).isEqualTo("api");
        load.awaitRequests(50);

        write(edgefile, INVALID);
        HttpResponse<String> rejected = edge.post("/control/reload");
        assertThat(rejected.statusCode()).isEqualTo(422);
        JsonNode attempt = json(rejected);
        assertThat(attempt.get("result").asString()).isEqualTo("rejected");
        assertThat(attempt.get("reason").asString()).isEqualTo("invalid_config");
        assertThat(attempt.get("oldVersion").asString()).isEqualTo(version(V4));
        assertThat(attempt.get("problems").get(0).asString())
            .contains("sites.main.routes[0].app", "did you mean \"api\"?");
        assertThat(edge.status().get("config").get("version").asString()).isEqualTo(version(V4));
        assertThat(edge.status().get("config").get("lastAttempt").get("result").asString())
            .isEqualTo("rejected");
        assertThat(appOf(edge.get("example.test", "/worker"))).isEqualTo("api");
        load.awaitRequests(50);

        write(edgefile, V4);
        HttpResponse<String> same = edge.post("/control/reload");
        assertThat(same.statusCode()).isEqualTo(200);
        assertThat(json(same).get("result").asString()).isEqualTo("unchanged");
      } finally {
        load.stop();
      }
      assertThat(load.failures).as("failed requests").isEmpty();
      assertThat(load.ok.get()).isGreaterThan(250);
      assertThat(load.apps).containsOnly("web", "api");
      assertThat(edge.lines("config_rolled_back")).isEmpty();
    }
  }

  @Test
  void controlReloadRefusesGetAndAnAppThatNeverGetsReadyIsRejected() throws Exception {
    Path edgefile = dir.resolve("Edgefile");
    write(edgefile, V1);
    try (EdgeProcess edge = EdgeProcess.start(List.of(), "--edgefile=" + edgefile)) {
      edge.awaitApps(Map.of("web", 1));
      HttpResponse<String> get = edge.get("example.test", "/control/reload");
      assertThat(get.statusCode()).isEqualTo(405);
      assertThat(get.headers().firstValue("Allow")).hasValue("POST");

      write(
          edgefile,
          V2.replace(
              "api: {builtin: demo}", "api: {command: [/bin/sleep, \"60\"], startTimeout: 1s}"));
      HttpResponse<String> rejected = edge.post("/control/reload");
      assertThat(rejected.statusCode()).isEqualTo(422);
      JsonNode attempt = json(rejected);
      assertThat(attempt.get("result").asString()).isEqualTo("rejected");
      assertThat(attempt.get("reason").asString()).isEqualTo("stage_failed");
      assertThat(attempt.get("detail").asString()).contains("app api");
      assertThat(edge.status().get("config").get("version").asString()).isEqualTo(version(V1));
      assertThat(appOf(edge.get("example.test", "/worker"))).isEqualTo("web");
      assertThat(edge.get("svc.test", "/worker").statusCode()).isEqualTo(404);
      edge.awaitApps(Map.of("web", 1));

      write(edgefile, V2.replace("app: api}", "static: ./missing-dir}"));
      HttpResponse<String> missing = edge.post("/control/reload");
      assertThat(missing.statusCode()).isEqualTo(422);
      assertThat(json(missing).get("detail").asString()).contains("no such directory");
    }
  }

  @Test
  void anAppThatDiesRightAfterReadyIsRolledBack() throws Exception {
    Path edgefile = dir.resolve("Edgefile");
    AppJars.write(dir.resolve("flaky.jar"), "dev.edge.fixture.FixtureApp", "exit-after-ready");
    write(edgefile, V1);
    try (EdgeProcess edge = EdgeProcess.start(List.of(), "--edgefile=" + edgefile)) {
      edge.awaitApps(Map.of("web", 1));
      write(
          edgefile, V2.replace("api: {builtin: demo}", "api: {jar: flaky.jar, startTimeout: 20s}"));
      HttpResponse<String> answer = edge.post("/control/reload");
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(422);
      JsonNode attempt = json(answer);
      assertThat(attempt.get("result").asString()).isEqualTo("rolled_back");
      assertThat(attempt.get("reason").asString()).isEqualTo("verify_failed");
      assertThat(attempt.get("detail").asString()).contains("app api");
      assertThat(attempt.get("started").get(0).asString()).isEqualTo("api");
      assertThat(edge.status().get("config").get("version").asString()).isEqualTo(version(V1));
      assertThat(edge.get("svc.test", "/worker").statusCode()).isEqualTo(404);
      assertThat(appOf(edge.get("example.test", "/worker"))).isEqualTo("web");
      assertThat(edge.lines("config_rolled_back attempt=")).hasSize(1);
      edge.awaitApps(Map.of("web", 1));
    }
  }

  private static void awaitVersion(EdgeProcess edge, String version) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!edge.status().get("config").get("version").asString().equals(version)) {
      assertThat(System.nanoTime()).as("config %s active", version).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static void write(Path file, String text) throws Exception {
    Path partial = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(partial, text);
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String version(String text) throws Exception {
    byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes("UTF-8"));
    return HexFormat.of().formatHex(hash).substring(0, 12);
  }

  /** The app that answered a demo /worker request, or null for another 200 answer. */
  private static String appOf(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    if (!response.body().startsWith("{")) {
      return null;
    }
    return json(response).get("appId").asString();
  }

  private static JsonNode json(HttpResponse<String> response) {
    return EdgeProcess.JSON.readTree(response.body());
  }

  /** Three client threads asking example.test for /worker until stopped. */
  private static final class Load {
    final List<String> failures = new CopyOnWriteArrayList<>();
    final Set<String> apps = ConcurrentHashMap.newKeySet();
    final AtomicInteger ok = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService threads = Executors.newFixedThreadPool(3);

    Load(EdgeProcess edge) {
      for (int i = 0; i < 3; i++) {
        threads.execute(
            () -> {
              while (running.get()) {
                try {
                  HttpResponse<String> response =
                      edge.http.send(
                          HttpRequest.newBuilder(edge.uri("/worker"))
                              .header("Host", "example.test")
                              .timeout(Duration.ofSeconds(30))
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                  if (response.statusCode() == 200) {
                    apps.add(json(response).get("appId").asString());
                    ok.incrementAndGet();
                  } else {
                    failures.add(response.statusCode() + " " + response.body());
                  }
                } catch (Exception e) {
                  failures.add(e.toString());
                }
              }
            });
      }
    }

    void awaitRequests(int more) throws InterruptedException {
      int target = ok.get() + more;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (ok.get() < target && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(ok.get())
          .as("requests served; failures %s", failures)
          .isGreaterThanOrEqualTo(target);
    }

    void stop() throws InterruptedException {
      running.set(false);
      threads.shutdown();
      threads.awaitTermination(30, TimeUnit.SECONDS);
    }
  }
}
