package dev.edge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The rate limiter and the client address on a real edge: exact allow and deny counts, the 429 and
 * its headers, built-in endpoints never limited, and X-Forwarded-For believed only from a trusted
 * proxy (the loopback peer here), right-most untrusted hop first.
 */
class RateLimitIT {

  @Test
  void overTheLimitIs429WithRetryAfterAndRateLimitHeaders() throws Exception {
    try (EdgeProcess edge =
        EdgeProcess.startReady(
            1, "--workers=1", "--rate-limit=3", "--rate-limit-window-ms=60000")) {
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> allowed = edge.get("/hello");
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("RateLimit-Limit")).hasValue("3");
        assertThat(allowed.headers().firstValue("RateLimit-Remaining"))
            .hasValue(Integer.toString(2 - i));
      }
      HttpResponse<String> denied = edge.get("/hello");
      assertThat(denied.statusCode()).isEqualTo(429);
      assertThat(denied.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      JsonNode problem = EdgeProcess.JSON.readTree(denied.body());
      assertThat(problem.get("reason").asString()).isEqualTo("rate_limited");
      assertThat(denied.headers().firstValue("Retry-After")).hasValue("20");
      assertThat(denied.headers().firstValue("RateLimit-Remaining")).hasValue("0");
      assertThat(denied.headers().firstValue("RateLimit-Reset")).isPresent();
      assertThat(edge.get("/status").statusCode()).isEqualTo(200);
      assertThat(edge.get("/server").statusCode()).isEqualTo(200);
      JsonNode metrics = EdgeProcess.JSON.readTree(edge.get("/diagnostics").body()).get("metrics");
      assertThat(metrics.get("rateLimited").asLong()).isEqualTo(1);
      assertThat(metrics.get("rejected").get("rate_limited").asLong()).isEqualTo(1);
    }
  }

  @Test
  void forwardedForCountsOnlyFromTrustedProxies() throws Exception {
    try (EdgeProcess edge =
        EdgeProcess.startReady(
            1, "--workers=1", "--rate-limit=2", "--trusted-proxies=127.0.0.1/32, 10.0.0.0/8")) {
      // the loopback peer is a trusted proxy: the right-most untrusted hop is the client
      HttpResponse<String> echoed =
          edge.get("x", "/headers", "X-Forwarded-For", "198.51.100.1, 203.0.113.9, 10.1.2.3");
      assertThat(echoed.statusCode()).isEqualTo(200);
      assertThat(echoed.body()).containsIgnoringCase("x-forwarded-for: 203.0.113.9");
      assertThat(edge.get("x", "/hello", "X-Forwarded-For", "203.0.113.9").statusCode())
          .isEqualTo(200);
      assertThat(edge.get("x", "/hello", "X-Forwarded-For", "203.0.113.9").statusCode())
          .isEqualTo(429);
      // another client behind the same proxy has its own budget
      assertThat(edge.get("x", "/hello", "X-Forwarded-For", "203.0.113.10").statusCode())
          .isEqualTo(200);
    }
    try (EdgeProcess edge = EdgeProcess.startReady(1, "--workers=1", "--rate-limit=1")) {
      // no trusted proxies: X-Forwarded-For is ignored, the peer is the client
      assertThat(edge.get("x", "/hello", "X-Forwarded-For", "203.0.113.1").statusCode())
          .isEqualTo(200);
      assertThat(edge.get("x", "/hello", "X-Forwarded-For", "203.0.113.2").statusCode())
          .isEqualTo(429);
    }
  }

  @Test
  void badTrustedProxiesAreRejectedAtStart() throws Exception {
    Process process =
        new ProcessBuilder(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                EdgeProcess.JAR.toAbsolutePath().toString(),
                "--trusted-proxies=10.1.2.3/8")
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).isEqualTo(2);
    assertThat(output).contains("--trusted-proxies: \"10.1.2.3/8\" is not a valid CIDR");
  }
}
