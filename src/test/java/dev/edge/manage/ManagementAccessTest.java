package dev.edge.manage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;

class ManagementAccessTest {

  private static final String TOKEN = "0123456789abcdef-token";
  private static final InetSocketAddress REMOTE = new InetSocketAddress("192.0.2.7", 40000);
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 40000);

  /** Whether the request got through to the endpoint; a refused one has the problem written. */
  private static boolean passes(MockServerWebExchange exchange) {
    AtomicBoolean passed = new AtomicBoolean();
    new ManagementAccess(TOKEN)
        .filter(
            exchange,
            e -> {
              passed.set(true);
              return Mono.empty();
            })
        .block();
    return passed.get();
  }

  @Test
  void probesAreOpenToAnyone() {
    for (String path : new String[] {"/actuator/health", "/actuator/health/readiness"}) {
      assertThat(
              passes(
                  MockServerWebExchange.from(
                      MockServerHttpRequest.get(path).remoteAddress(REMOTE))))
          .as(path)
          .isTrue();
    }
  }

  @Test
  void everythingElseNeedsLoopbackOrTheAdminToken() {
    assertThat(
            passes(
                MockServerWebExchange.from(
                    MockServerHttpRequest.get("/actuator/prometheus").remoteAddress(LOOPBACK))))
        .isTrue();
    assertThat(
            passes(
                MockServerWebExchange.from(
                    MockServerHttpRequest.post("/actuator/edge/reload")
                        .remoteAddress(REMOTE)
                        .header("Authorization", "Bearer " + TOKEN))))
        .isTrue();
    // a write to health is not a probe
    MockServerWebExchange write =
        MockServerWebExchange.from(
            MockServerHttpRequest.post("/actuator/health").remoteAddress(REMOTE));
    assertThat(passes(write)).isFalse();
    MockServerWebExchange refused =
        MockServerWebExchange.from(
            MockServerHttpRequest.post("/actuator/loggers/edge.errors")
                .remoteAddress(REMOTE)
                .header("Authorization", "Bearer wrong-token-0123456")
                .header("X-Request-Id", "req-mgmt-1"));
    assertThat(passes(refused)).isFalse();
    assertThat(refused.getResponse().getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
    assertThat(refused.getResponse().getHeaders().getFirst("Content-Type"))
        .isEqualTo("application/problem+json");
    assertThat(refused.getResponse().getHeaders().getFirst("X-Request-Id")).isEqualTo("req-mgmt-1");
    assertThat(refused.getResponse().getBodyAsString().block())
        .isEqualTo(
            "{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,\"detail\":\"the"
                + " management endpoints other than health answer loopback clients or the admin"
                + " token only\",\"reason\":\"forbidden\",\"requestId\":\"req-mgmt-1\"}");
  }
}
