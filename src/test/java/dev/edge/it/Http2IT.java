package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.it.RawHttp2.Frame;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HTTP/2 on the HTTPS listener of a real edge: the same answers as HTTP/1.1 for the demo app, the
 * HTTP/2 counterparts of the smuggling corpus refused before any worker sees them, and a
 * rapid-reset flood cut without harming another client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Http2IT {

  private static final long PROTOCOL_ERROR = 1;
  private static final long CANCEL = 8;
  private static final long ENHANCE_YOUR_CALM = 11;

  private EdgeProcess edge;
  private int https;

  @BeforeAll
  void start() throws Exception {
    edge = EdgeProcess.startReady(1, "--workers=1", "--hsts");
    https = edge.httpsPort();
  }

  @AfterAll
  void stop() throws Exception {
    edge.close();
  }

  @Test
  void h2GivesTheSameAnswersAsHttp11() throws Exception {
    HttpClient h2 = client(HttpClient.Version.HTTP_2);
    for (String path : List.of("/hello", "/bytes?n=70000", "/no/such/path", "/headers")) {
      HttpResponse<String> overH2 =
          h2.send(
              request("https://localhost:" + https + path), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> overH1 = edge.get("localhost", path);
      assertThat(overH2.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(overH2.statusCode()).as(path).isEqualTo(overH1.statusCode());
      if (!path.equals("/headers")) {
        assertThat(overH2.body()).as(path).isEqualTo(overH1.body());
      }
      assertThat(overH2.headers().firstValue("content-type"))
          .as(path)
          .isEqualTo(overH1.headers().firstValue("content-type"));
    }
    HttpResponse<String> headers =
        h2.send(
            request("https://localhost:" + https + "/headers"),
            HttpResponse.BodyHandlers.ofString());
    assertThat(headers.body()).contains("x-forwarded-proto: https");
    assertThat(headers.headers().firstValue("strict-transport-security"))
        .as("--hsts on HTTP/2 responses too")
        .hasValue("max-age=31536000; includeSubDomains");
    assertThat(edge.get("localhost", "/headers").headers().firstValue("strict-transport-security"))
        .as("never over plain HTTP")
        .isEmpty();
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("upper-case header name", get("X-Upper", "1")),
        Arguments.of(
            "duplicated :path",
            headers(
                ":method",
                "GET",
                ":scheme",
                "https",
                ":path",
                "/hello",
                ":path",
                "/x",
                ":authority",
                "localhost")),
        Arguments.of(
            "no :path", headers(":method", "GET", ":scheme", "https", ":authority", "localhost")),
        Arguments.of(
            "pseudo-header after a regular one",
            headers(
                ":method",
                "GET",
                ":scheme",
                "https",
                "x-a",
                "1",
                ":path",
                "/hello",
                ":authority",
                "localhost")),
        Arguments.of(
            "unknown pseudo-header",
            headers(
                ":method",
                "GET",
                ":scheme",
                "https",
                ":path",
                "/hello",
                ":authority",
                "localhost",
                ":foo",
                "bar")),
        Arguments.of("connection header", get("connection", "keep-alive")),
        Arguments.of("transfer-encoding header", get("transfer-encoding", "chunked")),
        Arguments.of("te other than trailers", get("te", "gzip")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void malformedHeadersAreRefused(String name, List<String> headers) throws Exception {
    try (RawHttp2 client = new RawHttp2(https)) {
      client.headers(1, headers, true);
      assertRefused(client.untilAnswer(1), name);
    }
    assertStillServing();
  }

  @Test
  void aContentLengthThatDisagreesWithTheDataIsRefused() throws Exception {
    try (RawHttp2 client = new RawHttp2(https)) {
      client.headers(1, post("10"), false).data(1, "hello", true);
      assertRefused(client.untilAnswer(1), "content-length 10 with 5 bytes");
    }
    try (RawHttp2 client = new RawHttp2(https)) {
      client.headers(1, post("2"), false).data(1, "hello", true);
      assertRefused(client.untilAnswer(1), "content-length 2 with 5 bytes");
    }
    assertStillServing();
  }

  private static List<String> post(String contentLength) {
    return headers(
        ":method",
        "POST",
        ":scheme",
        "https",
        ":path",
        "/echo",
        ":authority",
        "localhost",
        "content-length",
        contentLength);
  }

  @Test
  void aRapidResetFloodIsCutAndAnotherClientIsServed() throws Exception {
    HttpClient other = client(HttpClient.Version.HTTP_2);
    CompletableFuture<List<Integer>> others =
        CompletableFuture.supplyAsync(
            () -> Stream.generate(() -> 0).limit(40).map(i -> send(other, "/hello")).toList());
    Frame goAway = null;
    try (RawHttp2 flood = new RawHttp2(https)) {
      int stream = 1;
      try {
        for (int i = 0; i < 2000; i++, stream += 2) {
          flood.headers(stream, get("x-n", Integer.toString(i)), true).reset(stream);
        }
      } catch (java.io.IOException closed) {
        // the edge closed the connection while the flood was still being sent
      }
      for (Frame frame = readQuietly(flood); frame != null; frame = readQuietly(flood)) {
        if (frame.type() == RawHttp2.GOAWAY) {
          goAway = frame;
          break;
        }
      }
    }
    assertThat(goAway).as("GOAWAY for the flood").isNotNull();
    assertThat(goAway.errorCode()).isEqualTo(ENHANCE_YOUR_CALM);
    assertThat(others.get()).hasSize(40).containsOnly(200);
  }

  private static Frame readQuietly(RawHttp2 client) {
    try {
      return client.read();
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /**
   * Refused: the stream reset or the connection closed with PROTOCOL_ERROR (Netty's codec) or
   * CANCEL (a request Reactor Netty cannot turn into HTTP, such as one without :path), or the
   * edge's own {@code 400} (HPACK static entry 12), never a worker's answer.
   */
  private void assertRefused(List<Frame> frames, String what) {
    Frame last = frames.isEmpty() ? null : frames.get(frames.size() - 1);
    assertThat(last).as("%s: an answer; frames %s", what, frames).isNotNull();
    if (last.type() == RawHttp2.HEADERS) {
      assertThat(last.payload()[0]).as("%s: the edge's 400", what).isEqualTo((byte) 0x8c);
      return;
    }
    assertThat(last.type())
        .as("%s: RST_STREAM or GOAWAY", what)
        .isIn(RawHttp2.RST_STREAM, RawHttp2.GOAWAY);
    assertThat(last.errorCode())
        .as("%s: PROTOCOL_ERROR or CANCEL", what)
        .isIn(PROTOCOL_ERROR, CANCEL);
  }

  private void assertStillServing() throws Exception {
    assertThat(send(client(HttpClient.Version.HTTP_2), "/hello")).isEqualTo(200);
  }

  private int send(HttpClient client, String path) {
    try {
      return client
          .send(request("https://localhost:" + https + path), HttpResponse.BodyHandlers.ofString())
          .statusCode();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> get(String name, String value) {
    return headers(
        ":method",
        "GET",
        ":scheme",
        "https",
        ":path",
        "/hello",
        ":authority",
        "localhost",
        name,
        value);
  }

  private static List<String> headers(String... namesAndValues) {
    return List.of(namesAndValues);
  }

  private static HttpRequest request(String uri) {
    return HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).build();
  }

  private static HttpClient client(HttpClient.Version version) throws Exception {
    return HttpClient.newBuilder()
        .version(version)
        .sslContext(TrustAll.context())
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }
}
