package dev.edge.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.ErrorResponder;
import dev.edge.ratelimit.RateLimiter.Decision;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The limiter and the client address over real HTTP: a Reactor Netty server on a free port that
 * limits as the pipeline will (3 per minute, loopback trusted as a proxy) and answers 429s through
 * the edge's {@link ErrorResponder}.
 */
class RateLimitHttpTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final TestClock clock = new TestClock();
  private final RateLimiter limiter =
      new RateLimiter(new RateLimit(3, Duration.ofSeconds(60)), clock);
  private final ClientAddresses clients =
      new ClientAddresses(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("10.0.0.0/8")));
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private DisposableServer server;

  @BeforeEach
  void start() {
    ErrorResponder errors = new ErrorResponder();
    server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .handle(
                (req, res) ->
                    Mono.defer(
                            () -> {
                              Decision decision =
                                  limiter.acquire(
                                      clients.clientOf(
                                          req.remoteAddress(),
                                          req.requestHeaders().getAll("X-Forwarded-For")));
                              if (!decision.allowed()) {
                                throw decision.rejection();
                              }
                              decision.addHeadersTo(res.responseHeaders());
                              return res.sendString(Mono.just("ok")).then();
                            })
                        .onErrorResume(e -> errors.respond(e, req, res, "req-test")))
            .bindNow();
  }

  @AfterEach
  void stop() {
    server.disposeNow();
  }

  @Test
  void threeAllowedWithTheirQuotaThenProblem429sWithRetryAfter() throws Exception {
    for (int remaining = 2; remaining >= 0; remaining--) {
      HttpResponse<String> ok = get();
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).isEqualTo("ok");
      assertThat(header(ok, "RateLimit-Limit")).isEqualTo("3");
      assertThat(header(ok, "RateLimit-Remaining")).isEqualTo(Integer.toString(remaining));
      assertThat(header(ok, "RateLimit-Reset")).isEqualTo(Integer.toString(20 * (3 - remaining)));
      assertThat(ok.headers().firstValue("Retry-After")).isEmpty();
    }

    for (int i = 0; i < 2; i++) {
      HttpResponse<String> limited = get();
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(header(limited, "Content-Type")).isEqualTo("application/problem+json");
      assertThat(header(limited, "Retry-After")).isEqualTo("20");
      assertThat(header(limited, "RateLimit-Limit")).isEqualTo("3");
      assertThat(header(limited, "RateLimit-Remaining")).isEqualTo("0");
      assertThat(header(limited, "RateLimit-Reset")).isEqualTo("60");
      assertThat(header(limited, "X-Request-Id")).isEqualTo("req-test");
      assertThat(limited.headers().allValues("Retry-After")).hasSize(1);
      JsonNode problem = JSON.readTree(limited.body());
      assertThat(problem.get("status").asInt()).isEqualTo(429);
      assertThat(problem.get("title").asString()).isEqualTo("Too many requests");
      assertThat(problem.get("reason").asString()).isEqualTo("rate_limited");
      assertThat(problem.get("detail").asString())
          .isEqualTo("rate limit of 3 requests per window exceeded; retry after 20 s");
      assertThat(problem.get("requestId").asString()).isEqualTo("req-test");
    }

    clock.advance(Duration.ofSeconds(20));
    assertThat(statuses(get(), get())).containsExactly(200, 429);
  }

  @Test
  void clientsBehindATrustedProxyAreLimitedByTheirForwardedAddress() throws Exception {
    assertThat(statuses(get("198.51.100.1"), get("198.51.100.1"), get("198.51.100.1")))
        .containsExactly(200, 200, 200);
    assertThat(statuses(get("198.51.100.1"), get("198.51.100.2"), get("198.51.100.1, 10.0.0.5")))
        .as("the same client through a second proxy; another client; the limited one again")
        .containsExactly(429, 200, 429);
    assertThat(statuses(get("203.0.113.66, 198.51.100.1")))
        .as("an address the client made up, left of the one the proxy saw, changes nothing")
        .containsExactly(429);
    assertThat(statuses(get(), get(), get(), get()))
        .as("the proxy's own requests are its own client")
        .containsExactly(200, 200, 200, 429);
    assertThat(limiter.trackedClients()).isEqualTo(3);
  }

  private HttpResponse<String> get(String... forwardedFor) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/anything"))
            .timeout(Duration.ofSeconds(10));
    for (String value : forwardedFor) {
      request.header("X-Forwarded-For", value);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  private static List<Integer> statuses(HttpResponse<?>... responses) {
    return java.util.Arrays.stream(responses).map(HttpResponse::statusCode).toList();
  }
}
