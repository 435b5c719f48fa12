package dev.edge.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.netty.http.server.HttpServerRequest;

/** The per-request rules: Host, absolute-form authority, paths, Content-Length. */
class RequestGuardCheckTest {

  private final RejectionCounter counter = new RejectionCounter();
  private final RequestGuard guard = new RequestGuard(GuardLimits.defaults(), counter);

  private static HttpServerRequest request(String uri, HttpVersion version, String... headers) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (int i = 0; i < headers.length; i += 2) {
      h.add(headers[i], headers[i + 1]);
    }
    HttpServerRequest req = mock(HttpServerRequest.class);
    when(req.uri()).thenReturn(uri);
    when(req.version()).thenReturn(version);
    when(req.method()).thenReturn(HttpMethod.GET);
    when(req.requestHeaders()).thenReturn(h);
    return req;
  }

  private static HttpServerRequest get(String uri, String... headers) {
    return request(uri, HttpVersion.HTTP_1_1, headers);
  }

  private Reason refusal(HttpServerRequest req) {
    EdgeException e = catchThrowableOfType(EdgeException.class, () -> guard.check(req));
    assertThat(e).as("refused").isNotNull();
    assertThat(e.headers()).containsEntry("Connection", "close");
    return e.reason();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/",
        "/a..b",
        "/v1..2/x",
        "/a/./b",
        "/a/../b",
        "/%E2%98%BA",
        "/caf\u00c3\u00a9",
        "/a%2Fb",
        "/100%25",
        "/x?q=../../etc",
        "/..a/b..",
        "http://app.example/x",
        "HTTP://APP.EXAMPLE:80/x?y"
      })
  void wellFormedRequestsPass(String uri) {
    assertThatCode(() -> guard.check(get(uri, "Host", "app.example"))).doesNotThrowAnyException();
  }

  @Test
  void http10MayOmitHost() {
    assertThatCode(() -> guard.check(request("/", HttpVersion.HTTP_1_0)))
        .doesNotThrowAnyException();
    assertThat(refusal(request("/", HttpVersion.HTTP_1_1))).isEqualTo(Reason.BAD_HOST);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", "a, b", "a b", "a:99999", "a:0", "a:", "a:8x", "user@a", "a/b", "a..b", ".a", "[::1",
        "[zz]", "[::1]x"
      })
  void badHostValuesAreRefused(String host) {
    assertThat(refusal(get("/", "Host", host))).isEqualTo(Reason.BAD_HOST);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"a.example", "A.Example.", "a_b-c.example:8080", "127.0.0.1:1", "[::1]:443"})
  void goodHostValuesPass(String host) {
    assertThatCode(() -> guard.check(get("/", "Host", host))).doesNotThrowAnyException();
  }

  @Test
  void twoHostsAreRefused() {
    assertThat(refusal(get("/", "Host", "a", "Host", "a"))).isEqualTo(Reason.BAD_HOST);
  }

  @ParameterizedTest
  @CsvSource({
    "http://evil.example/, app.example, BAD_HOST",
    "http://app.example:81/, app.example, BAD_HOST",
    "https://app.example/, app.example:80, BAD_HOST",
    "http://x@app.example/, app.example, BAD_HOST",
    "http://a b/, app.example, BAD_HOST",
    "ftp://app.example/, app.example, BAD_PATH",
    "foo, app.example, BAD_PATH",
    "*, app.example, BAD_PATH"
  })
  void badTargetsAreRefused(String uri, String host, Reason reason) {
    assertThat(refusal(get(uri, "Host", host))).isEqualTo(reason);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/%2e%2e/x",
        "/%2E%2E/x",
        "/a/%2e%2e/%2e%2e/x",
        "/%252e%252e%252fx",
        "/%25252e%25252e/x",
        "/%2525252e%2525252e/x",
        "/..",
        "/../",
        "/a/../..",
        "/..;/x",
        "/..%5cx",
        "/%",
        "/%2",
        "/%zz",
        "/%00",
        "/a%2500"
      })
  void badPathsAreRefused(String path) {
    assertThat(refusal(get(path, "Host", "a"))).isEqualTo(Reason.BAD_PATH);
  }

  @Test
  void aContentLengthOverTheLimitIsRefused() {
    assertThat(refusal(get("/", "Host", "a", "Content-Length", "10485761")))
        .isEqualTo(Reason.BODY_TOO_LARGE);
    assertThatCode(() -> guard.check(get("/", "Host", "a", "Content-Length", "10485760")))
        .doesNotThrowAnyException();
    assertThat(refusal(get("/", "Host", "a", "Content-Length", "1x")))
        .isEqualTo(Reason.BAD_FRAMING);
  }

  @Test
  void refusalsAreCounted() {
    refusal(get("/%zz", "Host", "a"));
    refusal(get("/", "Host", "a, b"));
    assertThat(counter.count(Reason.BAD_PATH)).isEqualTo(1);
    assertThat(counter.count(Reason.BAD_HOST)).isEqualTo(1);
  }

  @Test
  void climbingIsCountedBySegments() {
    assertThat(PathRules.climbs("/a/b/../../c")).isFalse();
    assertThat(PathRules.climbs("/a/b/../../../c")).isTrue();
    assertThat(PathRules.climbs("//..")).isTrue();
    assertThat(PathRules.climbs("/./..")).isTrue();
    assertThat(PathRules.climbs("/...")).isFalse();
  }
}
