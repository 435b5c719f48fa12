package dev.edge.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.ErrorResponder;
import dev.edge.route.RequestPaths;
import dev.edge.sdk.EdgeWorker;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link DashboardEndpoint} behind a real Reactor Netty server, as the edge's pipeline calls it.
 */
class DashboardEndpointTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private static DisposableServer server;

  @BeforeAll
  static void start() {
    DashboardEndpoint dashboard = new DashboardEndpoint();
    ErrorResponder errors = new ErrorResponder();
    server =
        EdgeWorker.keepReading(HttpServer.create())
            .host("127.0.0.1")
            .port(0)
            .handle(
                (req, res) -> {
                  String path = RequestPaths.pathOf(req.uri());
                  Mono<Void> answer =
                      DashboardEndpoint.owns(path)
                          ? dashboard.serve(path, req, res)
                          : res.status(418).send();
                  return answer.onErrorResume(e -> errors.respond(e, req, res, "req-test"));
                })
            .bindNow();
  }

  @AfterAll
  static void stop() {
    server.disposeNow();
  }

  @Test
  void thePageAndItsAssetsWithTheirTypesAndSecurityHeaders() throws Exception {
    assertFile("/_edge/", "index.html", "text/html; charset=utf-8");
    assertFile("/_edge/dashboard.js", "dashboard.js", "text/javascript; charset=utf-8");
    assertFile("/_edge/dashboard.css", "dashboard.css", "text/css; charset=utf-8");
  }

  @Test
  void thePageHasNothingInlineAndLoadsNothingFromElsewhere() throws Exception {
    String page = new String(resource("index.html"), StandardCharsets.UTF_8);
    assertThat(page)
        .doesNotContain("style=")
        .doesNotContain("<style")
        .doesNotContainPattern("\\son[a-z]+=")
        .doesNotContain("//")
        .contains("<script src=\"dashboard.js\" defer></script>")
        .contains("<link rel=\"stylesheet\" href=\"dashboard.css\">");
    assertThat(page.split("<script", -1)).hasSize(2);
    for (String asset : List.of("dashboard.js", "dashboard.css")) {
      // The SVG namespace is a name, not something loaded.
      String text =
          new String(resource(asset), StandardCharsets.UTF_8)
              .replace("'http://www.w3.org/2000/svg'", "");
      assertThat(text).as(asset).doesNotContainPattern("https?:").doesNotContain("@import");
    }
  }

  @Test
  void aQueryDoesNotChangeTheFile() throws Exception {
    HttpResponse<byte[]> res = send("GET", "/_edge/?refresh=1");
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).isEqualTo(resource("index.html"));
  }

  @Test
  void theDashboardPathWithoutSlashRedirectsPermanently() throws Exception {
    HttpResponse<byte[]> res = send("GET", "/_edge");
    assertThat(res.statusCode()).isEqualTo(301);
    assertThat(res.headers().firstValue("Location")).hasValue("/_edge/");
    assertThat(res.body()).isEmpty();
  }

  @Test
  void headHasTheHeadersAndNoBody() throws Exception {
    HttpResponse<byte[]> get = send("GET", "/_edge/dashboard.js");
    HttpResponse<byte[]> head = send("HEAD", "/_edge/dashboard.js");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Length"))
        .hasValue(Integer.toString(get.body().length));
    assertThat(head.headers().firstValue("ETag")).isEqualTo(get.headers().firstValue("ETag"));
    assertThat(head.headers().firstValue("Content-Type"))
        .hasValue("text/javascript; charset=utf-8");
  }

  @Test
  void aStrongEtagPerFileAndNotModifiedWhenTheClientHasIt() throws Exception {
    String page = send("GET", "/_edge/").headers().firstValue("ETag").orElseThrow();
    String script = send("GET", "/_edge/dashboard.js").headers().firstValue("ETag").orElseThrow();
    assertThat(page).matches("\"[0-9a-f]{32}\"").isNotEqualTo(script);
    assertThat(page).isEqualTo(DashboardEndpoint.etagOf(resource("index.html")));

    for (String ifNoneMatch : List.of(page, "W/" + page, "\"other\", " + page, "*")) {
      HttpResponse<byte[]> res = send("GET", "/_edge/", "If-None-Match", ifNoneMatch);
      assertThat(res.statusCode()).as("If-None-Match: %s", ifNoneMatch).isEqualTo(304);
      assertThat(res.body()).isEmpty();
      assertThat(res.headers().firstValue("ETag")).hasValue(page);
      assertThat(res.headers().firstValue("Cache-Control")).hasValue("no-cache");
    }
    HttpResponse<byte[]> stale = send("GET", "/_edge/", "If-None-Match", script);
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo(resource("index.html"));
  }

  @Test
  void onlyGetAndHead() throws Exception {
    for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS")) {
      for (String path : List.of("/_edge/", "/_edge", "/_edge/nope")) {
        HttpResponse<byte[]> res = send(method, path);
        assertThat(res.statusCode()).as("%s %s", method, path).isEqualTo(405);
        assertThat(res.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(problem(res).get("reason").asString()).isEqualTo("method_not_allowed");
      }
    }
  }

  @Test
  void anyOtherPathUnderTheDashboardIsNotFound() throws Exception {
    for (String path :
        List.of(
            "/_edge/index.html",
            "/_edge/nope",
            "/_edge/dashboard.js/",
            "/_edge//dashboard.js",
            "/_edge/%64ashboard.js",
            "/_edge/../diagnostics")) {
      HttpResponse<byte[]> res = send("GET", path);
      assertThat(res.statusCode()).as(path).isEqualTo(404);
      assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(problem(res).get("reason").asString()).isEqualTo("not_found");
    }
  }

  @Test
  void ownsTheDashboardPathsOnly() {
    assertThat(DashboardEndpoint.owns("/_edge")).isTrue();
    assertThat(DashboardEndpoint.owns("/_edge/")).isTrue();
    assertThat(DashboardEndpoint.owns("/_edge/x")).isTrue();
    assertThat(DashboardEndpoint.owns("/_edges")).isFalse();
    assertThat(DashboardEndpoint.owns("/_EDGE/")).isFalse();
    assertThat(DashboardEndpoint.owns("/")).isFalse();
  }

  @Test
  void ifNoneMatchParsing() {
    String tag = "\"abc\"";
    assertThat(DashboardEndpoint.listsTag(List.of(), tag)).isFalse();
    assertThat(DashboardEndpoint.listsTag(List.of("\"abd\""), tag)).isFalse();
    assertThat(DashboardEndpoint.listsTag(List.of("abc"), tag)).isFalse();
    assertThat(DashboardEndpoint.listsTag(List.of("\"x\"", " W/\"abc\" "), tag)).isTrue();
    assertThat(DashboardEndpoint.listsTag(List.of("\"x\",\"abc\""), tag)).isTrue();
  }

  private static void assertFile(String path, String resource, String contentType)
      throws Exception {
    HttpResponse<byte[]> res = send("GET", path);
    byte[] expected = resource(resource);
    assertThat(res.statusCode()).as(path).isEqualTo(200);
    assertThat(res.body()).as(path).isEqualTo(expected);
    assertThat(res.headers().firstValue("Content-Type")).as(path).hasValue(contentType);
    assertThat(res.headers().firstValue("Content-Length"))
        .hasValue(Integer.toString(expected.length));
    assertThat(res.headers().firstValue("Content-Security-Policy")).hasValue("default-src 'self'");
    assertThat(res.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(res.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(res.headers().firstValue("ETag")).hasValue(DashboardEndpoint.etagOf(expected));
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in =
        DashboardEndpointTest.class.getResourceAsStream("/dev/edge/dashboard/" + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }

  private static JsonNode problem(HttpResponse<byte[]> res) {
    return JSON.readTree(res.body());
  }

  private static HttpResponse<byte[]> send(String method, String path, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      request.headers(headers);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
