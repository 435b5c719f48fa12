package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The Edgefile end to end: the real edge with three apps (two built-in demo apps and a fixture jar)
 * in real child JVMs, two sites routed by Host, every action (app, proxy with WebSocket, static,
 * redirect, header edits) against real upstream servers started here, and the {@code check}
 * command.
 */
class EdgefileIT {

  @TempDir static Path dir;
  static Upstreams upstream;
  static EdgeProcess edge;

  @BeforeAll
  static void start() throws Exception {
    upstream = Upstreams.start("up-a");
    AppJars.write(dir.resolve("legacy.jar"), "dev.edge.fixture.FixtureApp", "v7");
    Path publicDir = Files.createDirectories(dir.resolve("public"));
    Files.writeString(publicDir.resolve("app.js"), "console.log('edge');\n");
    Files.writeString(publicDir.resolve("index.html"), "<h1>home</h1>\n");
    Files.writeString(dir.resolve("secret.txt"), "TOP SECRET\n");
    Path edgefile = dir.resolve("Edgefile");
    Files.writeString(
        edgefile,
        """
        version: 1
        edge:
          workers: 1
        apps:
          web:
            builtin: demo
          api:
            builtin: demo
            env: {APP_FLAVOR: api}
            scheduling: normal
          legacy:
            jar: legacy.jar
        sites:
          main:
            hosts: [example.test, "*.example.test", 127.0.0.1]
            routes:
              - path: /assets/*
                static: {dir: ./public}
              - path: /old/*
                redirect: {to: "https://new.example.test{path}{query}", status: 301}
              - path: /ext/*
                proxy: UPSTREAM
                headers:
                  request: {set: {X-Via-Route: ext}}
                  response: {set: {X-Site: main}, remove: [X-Upstream]}
              - path: /down/*
                proxy: http://127.0.0.1:9
              - path: /limited/*
                proxy: UPSTREAM
                limits: {maxBody: 1kb, rateLimit: 2, rateLimitWindow: 1m}
              - path: /echo
                app: web
                limits: {maxBody: 1kb}
              - path: /ws
                proxy: UPSTREAM
              - path: /*
                app: web
          services:
            hosts: [services.test]
            routes:
              - {path: /worker, app: api}
              - {path: /version, app: legacy, methods: [GET]}
        """
            .replace("UPSTREAM", upstream.url()));
    // a short keep-alive idle timeout: open WebSockets must not be cut by it
    edge = EdgeProcess.start(List.of(), "--edgefile=" + edgefile, "--idle-timeout-ms=1000");
    edge.awaitApps(Map.of("web", 1, "api", 1, "legacy", 1));
  }

  @AfterAll
  static void stop() throws Exception {
    if (edge != null) {
      edge.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  @Test
  void hostsAndPathsPickTheApp() throws Exception {
    assertThat(appOf(edge.get("example.test", "/worker"))).isEqualTo("web");
    assertThat(appOf(edge.get("www.example.test:8080", "/worker"))).isEqualTo("web");
    assertThat(appOf(edge.get("services.test", "/worker"))).isEqualTo("api");
    HttpResponse<String> legacy = edge.get("services.test", "/version");
    assertThat(legacy.statusCode()).isEqualTo(200);
    assertThat(legacy.body()).isEqualTo("v7");
  }

  /**
   * Workers start under their app's kernel scheduling policy, and every thread of theirs has it:
   * {@code SCHED_BATCH} (3) by default, {@code SCHED_OTHER} (0) for the app that says {@code
   * scheduling: normal}. The jar app shows the policy holds for any launch kind. A Linux test: the
   * edge asks {@code /usr/bin/chrt} (util-linux, which {@code ./test} installs) for the policy.
   */
  @Test
  void eachAppsWorkersRunWithItsSchedulingPolicy() throws Exception {
    Map<String, Integer> expected = Map.of("web", 3, "api", 0, "legacy", 3);
    for (var app : expected.entrySet()) {
      List<String> starts = edge.lines("worker_start app=" + app.getKey() + " ");
      assertThat(starts).as("worker_start lines of %s", app.getKey()).isNotEmpty();
      int checked = 0;
      for (String line : starts) {
        assertThat(line).endsWith(" scheduling=" + (app.getValue() == 3 ? "batch" : "normal"));
        long pid = Long.parseLong(line.replaceAll(".* pid=(\\d+) .*", "$1"));
        if (!Files.isDirectory(Path.of("/proc", Long.toString(pid)))) {
          continue; // a worker replaced since (none is, today): only live ones have threads
        }
        assertThat(ThreadPolicies.of(pid))
            .as("scheduling policies of the threads of %s worker %d", app.getKey(), pid)
            .containsExactly(app.getValue());
        checked++;
      }
      assertThat(checked).as("live workers of %s checked", app.getKey()).isPositive();
    }
  }

  @Test
  void unknownHostsAndPathsAreNoRouteAndWrongMethodsAre405() throws Exception {
    HttpResponse<String> unknownHost = edge.get("nowhere.test", "/worker");
    assertThat(unknownHost.statusCode()).isEqualTo(404);
    assertThat(unknownHost.headers().firstValue("Content-Type"))
        .hasValue("application/problem+json");
    assertThat(json(unknownHost).get("reason").asString()).isEqualTo("no_route");
    HttpResponse<String> unknownPath = edge.get("services.test", "/hello");
    assertThat(unknownPath.statusCode()).isEqualTo(404);
    assertThat(json(unknownPath).get("reason").asString()).isEqualTo("no_route");
    HttpResponse<String> wrongMethod =
        edge.http.send(
            java.net.http.HttpRequest.newBuilder(edge.uri("/version"))
                .header("Host", "services.test")
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("GET, HEAD");
    assertThat(json(wrongMethod).get("reason").asString()).isEqualTo("method_not_allowed");
  }

  @Test
  void staticFilesWithValidatorsRangesAndNoEscape() throws Exception {
    HttpResponse<String> file = edge.get("example.test", "/assets/app.js");
    assertThat(file.statusCode()).isEqualTo(200);
    assertThat(file.body()).isEqualTo("console.log('edge');\n");
    assertThat(file.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/javascript");
    String etag = file.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> notModified =
        edge.get("example.test", "/assets/app.js", "If-None-Match", etag);
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(notModified.body()).isEmpty();
    HttpResponse<String> range = edge.get("example.test", "/assets/app.js", "Range", "bytes=0-6");
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.body()).isEqualTo("console");
    assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes 0-6/21");
    assertThat(edge.get("example.test", "/assets/").body()).isEqualTo("<h1>home</h1>\n");
    for (String attack :
        List.of(
            "/assets/../secret.txt",
            "/assets/%2e%2e/secret.txt",
            "/assets/%2E%2E%2Fsecret.txt",
            "/assets/%252e%252e/secret.txt",
            "/assets/..%2fsecret.txt",
            "/assets/..%5csecret.txt",
            "/assets/.%2e/secret.txt")) {
      RawHttp.Response refused =
          RawHttp.exchange(
              edge.port(),
              "GET " + attack + " HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n");
      assertThat(refused.status()).as(attack).isIn(400, 404);
      assertThat(refused.body()).as(attack).doesNotContain("SECRET").contains("\"reason\"");
    }
  }

  @Test
  void redirectsFillPathAndQuery() throws Exception {
    HttpResponse<String> moved = edge.get("example.test", "/old/page?x=1&y=2");
    assertThat(moved.statusCode()).isEqualTo(301);
    assertThat(moved.headers().firstValue("Location"))
        .hasValue("https://new.example.test/old/page?x=1&y=2");
  }

  @Test
  void proxyToAnExternalUpstreamWithHeaderEdits() throws Exception {
    HttpResponse<String> proxied =
        edge.get("example.test", "/ext/thing?q=1", "X-Request-Id", "req-from-client-1");
    assertThat(proxied.statusCode()).isEqualTo(200);
    JsonNode echo = json(proxied);
    assertThat(echo.get("name").asString()).isEqualTo("up-a");
    assertThat(echo.get("uri").asString()).isEqualTo("/ext/thing?q=1");
    JsonNode headers = echo.get("headers");
    assertThat(headers.get("host").asString()).isEqualTo("example.test");
    assertThat(headers.get("x-forwarded-host").asString()).isEqualTo("example.test");
    assertThat(headers.get("x-forwarded-for").asString()).isEqualTo("127.0.0.1");
    assertThat(headers.get("x-via-route").asString()).isEqualTo("ext");
    assertThat(headers.get("x-request-id").asString()).isEqualTo("req-from-client-1");
    assertThat(proxied.headers().firstValue("X-Site")).hasValue("main");
    assertThat(proxied.headers().firstValue("X-Upstream")).isEmpty();
    assertThat(proxied.headers().firstValue("X-Request-Id")).hasValue("req-from-client-1");
    HttpResponse<String> down = edge.get("example.test", "/down/x");
    assertThat(down.statusCode()).isEqualTo(502);
    assertThat(json(down).get("reason").asString()).isEqualTo("upstream_unavailable");
  }

  @Test
  void routeLimitsCapBodiesAndRatePerClient() throws Exception {
    String big = "x".repeat(2048);
    RawHttp.Response tooBig =
        RawHttp.exchange(
            edge.port(),
            "POST /limited/up HTTP/1.1\r\nHost: example.test\r\nContent-Length: 2048\r\n\r\n"
                + big);
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(tooBig.body()).contains("\"reason\":\"body_too_large\"");
    RawHttp.Response chunked =
        RawHttp.exchange(
            edge.port(),
            "POST /echo HTTP/1.1\r\nHost: example.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "800\r\n"
                + big
                + "\r\n0\r\n\r\n");
    assertThat(chunked.status()).isEqualTo(413);
    RawHttp.Response small =
        RawHttp.exchange(
            edge.port(),
            "POST /echo HTTP/1.1\r\nHost: example.test\r\nContent-Length: 5\r\n"
                + "Connection: close\r\n\r\nhello");
    assertThat(small.status()).isEqualTo(200);
    assertThat(small.body()).isEqualTo("hello");

    // the refused upload above was this client's first request on /limited/*
    HttpResponse<String> second = edge.get("example.test", "/limited/a");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.headers().firstValue("RateLimit-Limit")).hasValue("2");
    assertThat(second.headers().firstValue("RateLimit-Remaining")).hasValue("0");
    HttpResponse<String> third = edge.get("example.test", "/limited/c");
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(json(third).get("reason").asString()).isEqualTo("rate_limited");
    assertThat(third.headers().firstValue("Retry-After")).hasValue("30");
    assertThat(edge.get("example.test", "/ext/still-open").statusCode()).isEqualTo(200);
  }

  @Test
  void webSocketsPassThroughTheProxyBothWays() throws Exception {
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    WebSocket socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .subprotocols("chat.v1")
            .buildAsync(
                URI.create("ws://127.0.0.1:" + edge.port() + "/ws"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    received.add(data.toString());
                    ws.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                    closed.complete(status);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    assertThat(socket.getSubprotocol()).isEqualTo("chat.v1");
    socket.sendText("hello through the edge", true).get(5, TimeUnit.SECONDS);
    assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("hello through the edge");
    socket.sendText("close-me", true).get(5, TimeUnit.SECONDS);
    assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(4002);
  }

  @Test
  void aReloadAndTheIdleTimeoutKeepOpenWebSocketsAndRunningWorkers() throws Exception {
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    WebSocket socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .subprotocols("chat.v1")
            .buildAsync(
                URI.create("ws://127.0.0.1:" + edge.port() + "/ws"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    received.add(data.toString());
                    ws.request(1);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    socket.sendText("before", true).get(5, TimeUnit.SECONDS);
    assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("before");
    long pidBefore = json(edge.get("example.test", "/worker")).get("pid").asLong();
    Path edgefile = dir.resolve("Edgefile");
    Files.writeString(edgefile, Files.readString(edgefile) + "# reloaded\n");
    HttpResponse<String> reload = edge.post("/control/reload");
    assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
    assertThat(json(reload).get("result").asString()).isIn("applied", "unchanged");
    assertThat(json(reload).get("started")).isEmpty();
    Thread.sleep(2500);
    socket.sendText("after", true).get(5, TimeUnit.SECONDS);
    assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("after");
    assertThat(json(edge.get("example.test", "/worker")).get("pid").asLong()).isEqualTo(pidBefore);
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
  }

  @Test
  void statusShowsTheActiveConfig() throws Exception {
    JsonNode config = edge.status().get("config");
    assertThat(config.get("version").asString()).hasSize(12);
    assertThat(config.get("apps").asInt()).isEqualTo(3);
    assertThat(config.get("sites").asInt()).isEqualTo(2);
    assertThat(config.get("routes").asInt()).isEqualTo(10);
    assertThat(config.get("source").asString()).endsWith("Edgefile");
  }

  @Test
  void checkValidatesLikeNginxT() throws Exception {
    Path good = dir.resolve("good.yaml");
    Files.writeString(
        good,
        "version: 1\napps:\n  a: {builtin: demo}\nsites:\n  s:\n    hosts: [\"*\"]\n"
            + "    routes:\n      - {path: /*, app: a}\n");
    Result ok = check(good);
    assertThat(ok.exit()).isEqualTo(0);
    assertThat(ok.output().strip())
        .startsWith(good + " OK (version ")
        .endsWith("): 1 app, 1 site, 1 host, 1 route");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad,
        "version: 1\nsites:\n  s:\n    hosts: [\"*\"]\n    routes:\n"
            + "      - {path: /*, proxy: \"htp://x\"}\n      - {path: /a, app: nope}\n");
    Result failed = check(bad);
    assertThat(failed.exit()).isEqualTo(1);
    assertThat(failed.output())
        .contains("bad.yaml:6:", "sites.s.routes[0].proxy", "did you mean \"http://x\"?")
        .contains("bad.yaml:7:", "sites.s.routes[1].app")
        .contains("2 problems in " + bad);
  }

  private record Result(int exit, String output) {}

  private static Result check(Path file) throws Exception {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                EdgeProcess.JAR.toAbsolutePath().toString(),
                "check",
                file.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }

  private static String appOf(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response).get("appId").asString();
  }

  private static JsonNode json(HttpResponse<String> response) {
    return EdgeProcess.JSON.readTree(response.body());
  }
}
