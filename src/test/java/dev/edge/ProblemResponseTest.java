package dev.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.EdgeException.Reason;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one builder of problem responses: the body byte for byte as Jackson writes it, the header
 * set, and answers to {@code HEAD} with the same headers and no body, on every path that uses it.
 */
class ProblemResponseTest {

  private static final String ID = "req-0123456789abcdef";

  /** What a JsonMapper writes for the problem map, as ErrorResponder wrote it before. */
  private static String jackson(Reason reason, String detail, String requestId) {
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", "about:blank");
    problem.put("title", reason.title());
    problem.put("status", reason.status());
    problem.put("detail", detail);
    problem.put("reason", reason.code());
    problem.put("requestId", requestId);
    return JsonMapper.builder().build().writeValueAsString(problem);
  }

  @Test
  void theBodyIsByteForByteWhatJacksonWrites() {
    StringBuilder detail = new StringBuilder("a \"quoted\" \\ /path é \u2028 \u007f 😀 ");
    for (char c = 0; c < 0x20; c++) {
      detail.append(c);
    }
    for (Reason reason : Reason.values()) {
      ProblemResponse problem = ProblemResponse.of(reason, detail.toString(), ID, List.of());
      assertThat(problem.body())
          .as(reason.code())
          .isEqualTo(jackson(reason, detail.toString(), ID).getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void theHeadersAreTheStandardOnesThenTheExtrasThenTheLength() {
    ProblemResponse problem =
        ProblemResponse.of(
            Reason.TOO_MANY_CONNECTIONS, "x", ID, Map.of("Connection", "close").entrySet());
    List<String> names = new ArrayList<>();
    problem.headers().forEach(h -> names.add(h.getKey().toLowerCase(java.util.Locale.ROOT)));
    assertThat(names)
        .containsExactly(
            "content-type",
            "x-request-id",
            "cache-control",
            "retry-after",
            "connection",
            "content-length");
    HttpHeaders headers = problem.headers();
    assertThat(headers.get("content-type")).isEqualTo("application/problem+json");
    assertThat(headers.get("x-request-id")).isEqualTo(ID);
    assertThat(headers.get("cache-control")).isEqualTo("no-store");
    assertThat(headers.get("retry-after")).isEqualTo("1");
    assertThat(headers.get("connection")).isEqualTo("close");
    assertThat(headers.getInt("content-length")).isEqualTo(problem.body().length);
    assertThat(problem.status().code()).isEqualTo(429);
  }

  @Test
  void extraHeadersReplaceStandardOnesOfTheSameName() {
    ProblemResponse problem =
        ProblemResponse.of(Reason.QUEUE_FULL, "busy", ID, Map.of("Retry-After", "7").entrySet());
    assertThat(problem.headers().getAll("retry-after")).containsExactly("7");
  }

  @Test
  void aResponseToHeadHasTheSameHeadersAndNoBody() {
    ProblemResponse get = ProblemResponse.of(Reason.BAD_HEADER, "malformed method", ID, List.of());
    FullHttpResponse full = get.message(false);
    assertThat(full.content().toString(StandardCharsets.UTF_8))
        .isEqualTo(new String(get.body(), StandardCharsets.UTF_8));
    full.release();

    ProblemResponse head = ProblemResponse.of(Reason.BAD_HEADER, "malformed method", ID, List.of());
    FullHttpResponse empty = head.message(true);
    assertThat(empty.content().readableBytes()).isZero();
    assertThat(empty.headers().getInt("content-length")).isEqualTo(get.body().length);
    assertThat(empty.status().code()).isEqualTo(400);
  }

  @Test
  void theFastPathsProblemCarriesTheErrorsAndTheExtraHeadersAndNoBodyForHead() {
    ErrorResponder errors = new ErrorResponder();
    EdgeException error =
        new EdgeException(Reason.METHOD_NOT_ALLOWED, "no", Map.of("Allow", "GET, HEAD"));
    HttpHeaders close = new DefaultHttpHeaders().set("Connection", "close");

    FullHttpResponse get = errors.problem(error, HttpMethod.GET, "/x", ID, close);
    FullHttpResponse head = errors.problem(error, HttpMethod.HEAD, "/x", ID, close);
    assertThat(get.content().toString(StandardCharsets.UTF_8))
        .isEqualTo(jackson(Reason.METHOD_NOT_ALLOWED, "no", ID));
    assertThat(head.content().readableBytes()).isZero();
    assertThat(head.headers().entries().toString()).isEqualTo(get.headers().entries().toString());
    assertThat(get.headers().get("allow")).isEqualTo("GET, HEAD");
    assertThat(get.headers().get("connection")).isEqualTo("close");
    assertThat(get.headers().getInt("content-length")).isEqualTo(get.content().readableBytes());
    get.release();

    FullHttpResponse plain =
        errors.problem(error, HttpMethod.GET, "/x", ID, new DefaultHttpHeaders());
    assertThat(plain.headers().contains("connection")).isFalse();
    plain.release();
  }
}
