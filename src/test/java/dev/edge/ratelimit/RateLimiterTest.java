package dev.edge.ratelimit;

import static dev.edge.ratelimit.Addresses.ip;
import static dev.edge.ratelimit.Addresses.mapped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import dev.edge.ratelimit.RateLimiter.Decision;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Exact counts, remaining, reset and retry values of the token bucket, with a hand-moved clock. */
class RateLimiterTest {

  private static final InetAddress A = ip("203.0.113.1");
  private static final InetAddress B = ip("203.0.113.2");
  private static final InetAddress C = ip("203.0.113.3");
  private static final InetAddress D = ip("203.0.113.4");

  /** Starts at an ordinary value, at zero, and just before the nanosecond clock overflows. */
  @ParameterizedTest
  @ValueSource(longs = {1_000_000_000_000L, 0L, Long.MAX_VALUE - 3_000_000_000L})
  void fivePerTenSecondsBurstsFiveThenRefillsOneEveryTwoSeconds(long start) {
    TestClock clock = new TestClock(start);
    RateLimiter limiter = new RateLimiter(new RateLimit(5, Duration.ofSeconds(10)), clock);

    for (int i = 1; i <= 5; i++) {
      assertThat(limiter.acquire(A)).isEqualTo(new Decision(true, 5, 5 - i, 2L * i, 0));
    }
    assertThat(limiter.acquire(A)).isEqualTo(new Decision(false, 5, 0, 10, 2));
    assertThat(limiter.acquire(A))
        .as("a denied request takes nothing")
        .isEqualTo(new Decision(false, 5, 0, 10, 2));

    clock.advance(Duration.ofMillis(1500));
    assertThat(limiter.acquire(A)).isEqualTo(new Decision(false, 5, 0, 9, 1));

    clock.advance(Duration.ofMillis(500));
    assertThat(limiter.acquire(A))
        .as("one refilled after 2 s")
        .isEqualTo(new Decision(true, 5, 0, 10, 0));
    assertThat(limiter.acquire(A)).isEqualTo(new Decision(false, 5, 0, 10, 2));

    clock.advance(Duration.ofSeconds(10));
    assertThat(allowedInARow(limiter, A, 20)).as("a full bucket after a quiet window").isEqualTo(5);
  }

  @Test
  void waitingRetryAfterSecondsIsAlwaysEnoughAndAPartialRefillAllowsExactlyWhatRefilled() {
    TestClock clock = new TestClock();
    RateLimiter limiter = new RateLimiter(new RateLimit(5, Duration.ofSeconds(10)), clock);
    assertThat(allowedInARow(limiter, A, 20)).isEqualTo(5);

    clock.advance(Duration.ofMillis(4300));
    assertThat(allowedInARow(limiter, A, 20)).as("4.3 s refill two").isEqualTo(2);
    Decision denied = limiter.acquire(A);
    assertThat(denied.retryAfterSeconds()).as("the next one at 6 s, 1.7 s away").isEqualTo(2);
    assertThat(denied.resetSeconds()).as("full again at 14 s, 9.7 s away").isEqualTo(10);

    clock.advance(Duration.ofSeconds(denied.retryAfterSeconds()));
    assertThat(limiter.acquire(A).allowed()).isTrue();
  }

  @Test
  void anIntervalThatDoesNotDivideTheWindowStillAdmitsExactlyTheLimit() {
    TestClock clock = new TestClock();
    RateLimiter limiter = new RateLimiter(new RateLimit(3, Duration.ofSeconds(10)), clock);

    assertThat(limiter.acquire(A)).isEqualTo(new Decision(true, 3, 2, 4, 0));
    assertThat(limiter.acquire(A)).isEqualTo(new Decision(true, 3, 1, 7, 0));
    assertThat(limiter.acquire(A)).isEqualTo(new Decision(true, 3, 0, 10, 0));
    assertThat(limiter.acquire(A)).isEqualTo(new Decision(false, 3, 0, 10, 4));
  }

  @Test
  void clientsHaveSeparateBuckets() {
    TestClock clock = new TestClock();
    RateLimiter limiter = new RateLimiter(new RateLimit(5, Duration.ofSeconds(10)), clock);

    assertThat(allowedInARow(limiter, A, 20)).isEqualTo(5);
    assertThat(allowedInARow(limiter, B, 20)).isEqualTo(5);
    assertThat(allowedInARow(limiter, ip("2001:db8::1"), 20)).isEqualTo(5);
    assertThat(allowedInARow(limiter, ip("2001:db8::2"), 20)).as("low bits differ").isEqualTo(5);
    assertThat(allowedInARow(limiter, ip("2001:db9::1"), 20)).as("high bits differ").isEqualTo(5);
    assertThat(limiter.trackedClients()).isEqualTo(5);
  }

  @Test
  void anIpv4ClientAndTheSameAddressAsIpv4MappedIpv6AreOneClient() {
    RateLimiter limiter =
        new RateLimiter(new RateLimit(5, Duration.ofSeconds(10)), new TestClock());

    assertThat(allowedInARow(limiter, A, 3)).isEqualTo(3);
    assertThat(allowedInARow(limiter, mapped("203.0.113.1"), 20)).isEqualTo(2);
    assertThat(limiter.trackedClients()).isEqualTo(1);
  }

  @Test
  void aFullTableForgetsTheLeastRecentlySeenClient() {
    RateLimiter limiter =
        new RateLimiter(new RateLimit(2, Duration.ofSeconds(10), 3), new TestClock());
    limiter.acquire(A);
    limiter.acquire(B);
    limiter.acquire(C);
    limiter.acquire(A); // A: 0 remaining, and now the most recently seen; B is the oldest

    assertThat(limiter.acquire(D).remaining()).isEqualTo(1); // evicts B
    assertThat(limiter.trackedClients()).isEqualTo(3);
    assertThat(limiter.acquire(A).allowed()).as("A kept its state").isFalse();
    assertThat(limiter.acquire(C).remaining()).as("C kept its state").isEqualTo(0);
    assertThat(limiter.acquire(B).remaining()).as("B was forgotten: full bucket").isEqualTo(1);
    assertThat(limiter.trackedClients()).isEqualTo(3);
  }

  @Test
  void deniedRequestsCountAsSeenSoAClientThatKeepsTryingIsNotForgotten() {
    RateLimiter limiter =
        new RateLimiter(new RateLimit(1, Duration.ofSeconds(10), 2), new TestClock());
    limiter.acquire(A);
    limiter.acquire(B);
    assertThat(limiter.acquire(A).allowed()).isFalse(); // A is now newer than B

    limiter.acquire(C); // evicts B, not A

    assertThat(limiter.acquire(A).allowed()).isFalse();
    assertThat(limiter.acquire(B).allowed()).isTrue();
  }

  @Test
  void rejectionIsA429WithRetryAfterAndTheRateLimitHeaders() {
    Decision denied = new Decision(false, 5, 0, 10, 2);

    EdgeException error = denied.rejection();

    assertThat(error.reason()).isEqualTo(Reason.RATE_LIMITED);
    assertThat(error.reason().status()).isEqualTo(429);
    assertThat(error.reason().code()).isEqualTo("rate_limited");
    assertThat(error.getMessage())
        .isEqualTo("rate limit of 5 requests per window exceeded; retry after 2 s");
    assertThat(error.headers())
        .isEqualTo(
            Map.of(
                "Retry-After", "2",
                "RateLimit-Limit", "5",
                "RateLimit-Remaining", "0",
                "RateLimit-Reset", "10"));
    assertThatThrownBy(() -> new Decision(true, 5, 4, 2, 0).rejection())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void allowedResponsesGetTheRateLimitHeaders() {
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.set("RateLimit-Remaining", "stale");

    new Decision(true, 5, 3, 6, 0).addHeadersTo(headers);

    assertThat(headers.getAll("ratelimit-limit")).containsExactly("5");
    assertThat(headers.getAll("ratelimit-remaining")).containsExactly("3");
    assertThat(headers.getAll("ratelimit-reset")).containsExactly("6");
    assertThat(headers.contains("Retry-After")).isFalse();
  }

  @ParameterizedTest
  @CsvSource({
    "1, 1",
    "4095, 1",
    "8191, 1",
    "8192, 2",
    "100000, 16",
    "262144, 64",
    "1000000, 64",
    "10000000, 64"
  })
  void segmentsHoldAtLeast4096ClientsEachAndAreAtMost64(int maxClients, int segments) {
    assertThat(RateLimiter.segmentsFor(maxClients)).isEqualTo(segments);
  }

  @Test
  void limitsOutsideTheirRangesAreRefused() {
    Duration second = Duration.ofSeconds(1);
    assertThatThrownBy(() -> new RateLimit(0, second)).hasMessage("rate limit 0 is not at least 1");
    assertThatThrownBy(() -> new RateLimit(5, Duration.ZERO))
        .hasMessage("rate limit window PT0S is not 1 ms-365 days");
    assertThatThrownBy(() -> new RateLimit(5, Duration.ofDays(366)))
        .hasMessage("rate limit window PT8784H is not 1 ms-365 days");
    assertThatThrownBy(() -> new RateLimit(2_000_000, Duration.ofMillis(1)))
        .hasMessage("rate limit 2000000 per PT0.001S is more than one request per nanosecond");
    assertThatThrownBy(() -> new RateLimit(5, second, 0))
        .hasMessage("max clients 0 is not 1-10000000");
    assertThat(new RateLimit(5, second).maxClients()).isEqualTo(RateLimit.DEFAULT_MAX_CLIENTS);
  }

  private static int allowedInARow(RateLimiter limiter, InetAddress client, int attempts) {
    int allowed = 0;
    for (int i = 0; i < attempts; i++) {
      if (limiter.acquire(client).allowed()) {
        allowed++;
      }
    }
    return allowed;
  }
}
