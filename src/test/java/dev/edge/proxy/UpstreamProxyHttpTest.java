package dev.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.edgefile.HeaderRules.Edits;
import dev.edge.edgefile.Timeouts;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Headers both ways, header edits, redirects, and the 502/504 answers of {@link UpstreamProxy}. */
class UpstreamProxyHttpTest {

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  private TestUpstream upstream;
  private TestEdge edge;

  @BeforeEach
  void start() {
    upstream = TestUpstream.start("a");
    edge = new TestEdge().to(upstream.uri());
  }

  @AfterEach
  void stop() {
    edge.close();
    upstream.close();
  }

  @Test
  void forwardsEndToEndHeadersAndStripsHopByHopOnesIncludingThoseNamedInConnection()
      throws Exception {
    RawHttp.Response response =
        RawHttp.exchange(
            edge.port(),
            "GET /echo/a%2Fb?x=1&y=%20z HTTP/1.1\r\n"
                + "Host: client.example:8080\r\n"
                + "Connection: close, X-Hop-Custom\r\n"
                + "X-Hop-Custom: secret\r\n"
                + "Keep-Alive: timeout=5\r\n"
                + "TE: trailers\r\n"
                + "Proxy-Authorization: Basic Zm9v\r\n"
                + "Proxy-Connection: keep-alive\r\n"
                + "Upgrade: h2c\r\n"
                + "X-Forwarded-For: 6.6.6.6\r\n"
                + "X-Forwarded-Proto: https\r\n"
                + "X-Forwarded-Host: spoofed.example\r\n"
                + "X-Request-Id: client-id-1\r\n"
                + "X-End: kept\r\n"
                + "Cookie: a=1\r\n"
                + "Authorization: Bearer t\r\n"
                + "\r\n");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.first("x-request-id")).isEqualTo("client-id-1");
    JsonNode echo = TestUpstream.JSON.readTree(response.body());
    assertThat(echo.get("method").asString()).isEqualTo("GET");
    assertThat(echo.get("uri").asString()).isEqualTo("/echo/a%2Fb?x=1&y=%20z");
    Map<String, List<String>> headers = headers(echo);
    assertThat(headers)
        .containsEntry("host", List.of("client.example:8080"))
        .containsEntry("x-forwarded-for", List.of("127.0.0.1"))
        .containsEntry("x-forwarded-proto", List.of("http"))
        .containsEntry("x-forwarded-host", List.of("client.example:8080"))
        .containsEntry("x-request-id", List.of("client-id-1"))
        .containsEntry("x-end", List.of("kept"))
        .containsEntry("cookie", List.of("a=1"))
        .containsEntry("authorization", List.of("Bearer t"))
        .doesNotContainKeys(
            "connection",
            "x-hop-custom",
            "keep-alive",
            "te",
            "proxy-authorization",
            "proxy-connection",
            "upgrade",
            "transfer-encoding");
  }

  @Test
  void relaysResponseHeadersWithoutHopByHopOnesAndKeepsServerAndDate() throws Exception {
    try (RawHttp.Upstream raw =
        new RawHttp.Upstream(
            "HTTP/1.1 200 OK\r\n"
                + "Content-Type: text/plain\r\n"
                + "Content-Length: 5\r\n"
                + "Connection: close, X-Resp-Hop\r\n"
                + "X-Resp-Hop: secret\r\n"
                + "Keep-Alive: timeout=5\r\n"
                + "Proxy-Authenticate: Basic\r\n"
                + "Trailer: X-T\r\n"
                + "Upgrade: foo\r\n"
                + "Server: upstream/1.0\r\n"
                + "Date: Tue, 01 Jan 2030 00:00:00 GMT\r\n"
                + "X-Request-Id: from-upstream\r\n"
                + "X-Resp-End: kept\r\n"
                + "Set-Cookie: a=1\r\n"
                + "Set-Cookie: b=2\r\n"
                + "\r\n"
                + "hello")) {
      edge.to(raw.uri());

      RawHttp.Response response =
          RawHttp.exchange(
              edge.port(),
              "GET /x HTTP/1.1\r\nHost: e\r\nX-Request-Id: r-1\r\nConnection: close\r\n\r\n");

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("hello");
      assertThat(response.all("server")).containsExactly("upstream/1.0");
      assertThat(response.all("date")).containsExactly("Tue, 01 Jan 2030 00:00:00 GMT");
      assertThat(response.all("x-request-id")).containsExactly("r-1");
      assertThat(response.first("x-resp-end")).isEqualTo("kept");
      assertThat(response.all("set-cookie")).containsExactly("a=1", "b=2");
      assertThat(response.first("content-length")).isEqualTo("5");
      List<String> names = new ArrayList<>();
      response.headers().forEach(h -> names.add(h[0]));
      assertThat(names)
          .doesNotContain("x-resp-hop", "keep-alive", "proxy-authenticate", "trailer", "upgrade");
    }
  }

  @Test
  void hostOverrideRequestAndResponseEditsApplyAfterTheStandardHeaders() throws Exception {
    edge.route(
        List.of(upstream.uri()),
        "api.internal",
        TestEdge.DEFAULT_TIMEOUTS,
        new Edits(Map.of("X-Added", "1", "X-Forwarded-Proto", "https"), List.of("x-end")),
        new Edits(Map.of("X-Resp-Added", "2"), List.of("X-Upstream-Only")));

    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(edge.uri("/edits"))
                .header("X-End", "gone")
                .header("X-Kept", "yes")
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("x-resp-added")).hasValue("2");
    assertThat(response.headers().firstValue("x-upstream-only")).isEmpty();
    Map<String, List<String>> headers = headers(TestUpstream.JSON.readTree(response.body()));
    assertThat(headers)
        .containsEntry("host", List.of("api.internal"))
        .containsEntry("x-forwarded-host", List.of("127.0.0.1:" + edge.port()))
        .containsEntry("x-forwarded-proto", List.of("https"))
        .containsEntry("x-added", List.of("1"))
        .containsEntry("x-kept", List.of("yes"))
        .doesNotContainKey("x-end");
  }

  @Test
  void redirectsArePassedThroughUntouched() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(edge.uri("/redirect")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().firstValue("location")).hasValue("/elsewhere?x=1");
    assertThat(response.body()).isEqualTo("moved");
    assertThat(upstream.requests.get()).isEqualTo(1);
  }

  @Test
  void headAnswersPassThroughWithTheirLengthAndNoBody() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(edge.uri("/download?length=true&bytes=100000"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-length")).hasValue("100000");
    assertThat(response.body()).isEmpty();
  }

  @Test
  void aClosedPortIs502UpstreamUnavailable() throws Exception {
    edge.to(closedPort());

    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(edge.uri("/x")).header("X-Request-Id", "r-502").build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
    JsonNode problem = TestUpstream.JSON.readTree(response.body());
    assertThat(problem.get("reason").asString()).isEqualTo("upstream_unavailable");
    assertThat(problem.get("status").asInt()).isEqualTo(502);
    assertThat(problem.get("requestId").asString()).isEqualTo("r-502");
    assertThat(problem.get("detail").asString()).isEqualTo("the upstream could not be reached");
  }

  @Test
  void noResponseHeadersWithinTheReadTimeoutIs504AndIsNeverResent() throws Exception {
    try (TestUpstream other = TestUpstream.start("b")) {
      edge.route(
          List.of(upstream.uri(), other.uri()),
          null,
          new Timeouts(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(30)),
          Edits.NONE,
          Edits.NONE);

      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(edge.uri("/sleep?ms=3000")).build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(504);
      JsonNode problem = TestUpstream.JSON.readTree(response.body());
      assertThat(problem.get("reason").asString()).isEqualTo("upstream_timeout");
      assertThat(problem.get("detail").asString())
          .isEqualTo("the upstream sent no response within 300 ms");
      assertThat(other.requests.get()).as("a timeout is never resent").isZero();
      UpstreamState state = edge.state(upstream.uri());
      assertThat(state.consecutiveFailures()).isEqualTo(1);
      assertThat(state.downUntil()).as("a timeout takes the upstream down").isNotNull();
    }
  }

  @Test
  void aBodylessGetWhoseConnectionBrokeIsSentOnceToAnotherUpstreamButAPostIsNot() throws Exception {
    try (RawHttp.Upstream dropper = new RawHttp.Upstream(null)) {
      edge.to(dropper.uri(), upstream.uri());

      HttpResponse<String> get =
          http.send(
              HttpRequest.newBuilder(edge.uri("/get")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(TestUpstream.JSON.readTree(get.body()).get("server").asString()).isEqualTo("a");
      assertThat(dropper.connections.get()).isEqualTo(1);

      HttpResponse<String> post =
          http.send(
              HttpRequest.newBuilder(edge.uri("/post"))
                  .POST(HttpRequest.BodyPublishers.ofString("payload"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(502);
      assertThat(TestUpstream.JSON.readTree(post.body()).get("reason").asString())
          .isEqualTo("upstream_failed");
      assertThat(dropper.connections.get()).isEqualTo(2);
      assertThat(upstream.requests.get()).as("the POST went nowhere else").isEqualTo(1);
      assertThat(edge.state(dropper.uri()).downUntil())
          .as("a broken connection does not take an upstream down")
          .isNull();
      assertThat(edge.state(dropper.uri()).consecutiveFailures()).isEqualTo(2);
      assertThat(edge.state(dropper.uri()).inflight()).isZero();
    }
  }

  static URI closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }
  }

  static Map<String, List<String>> headers(JsonNode echo) {
    Map<String, List<String>> headers = new java.util.TreeMap<>();
    for (JsonNode pair : echo.get("headers")) {
      headers
          .computeIfAbsent(pair.get(0).asString().toLowerCase(), k -> new ArrayList<>())
          .add(pair.get(1).asString());
    }
    return headers;
  }
}
