package dev.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edge.proxy.UpstreamHealth.Upstream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The choice and passive-health rules, with a hand-moved clock. */
class UpstreamHealthTest {

  private final MutableClock clock = new MutableClock();
  private final UpstreamHealth health = new UpstreamHealth(clock, Duration.ofSeconds(10));
  private final Upstream a = health.upstream(URI.create("http://a.example:8080"));
  private final Upstream b = health.upstream(URI.create("http://b.example:8080"));
  private final Upstream c = health.upstream(URI.create("http://c.example:8080"));
  private final List<Upstream> abc = List.of(a, b, c);

  @Test
  void picksTheLeastInflightWithTiesInListOrderAndEachOnlyOncePerRequest() {
    assertThat(health.acquire(abc, new boolean[3])).isSameAs(a);
    assertThat(health.acquire(abc, new boolean[3])).isSameAs(b);
    assertThat(health.acquire(abc, new boolean[3])).isSameAs(c);
    assertThat(health.acquire(abc, new boolean[3])).isSameAs(a);
    b.release();
    assertThat(health.acquire(abc, new boolean[3])).isSameAs(b);

    c.release();
    boolean[] tried = new boolean[3];
    assertThat(health.acquire(abc, tried)).as("a=2, b=1, c=0").isSameAs(c);
    assertThat(health.acquire(abc, tried)).as("then b=1 before a=2").isSameAs(b);
    assertThat(health.acquire(abc, tried)).isSameAs(a);
    assertThat(health.acquire(abc, tried)).isNull();
    assertThat(tried).containsOnly(true);
  }

  @Test
  void aDownUpstreamIsSkippedUntilItsCoolDownEnds() {
    health.failed(a, true);

    assertThat(health.acquire(abc, new boolean[3])).isSameAs(b);
    b.release();
    clock.advance(Duration.ofMillis(9_999));
    assertThat(health.acquire(abc, new boolean[3])).isSameAs(b);
    b.release();
    clock.advance(Duration.ofMillis(1));
    assertThat(health.acquire(abc, new boolean[3])).isSameAs(a);
  }

  @Test
  void whenAllAreDownTheEarliestRecoveryIsTriedFirst() {
    health.failed(b, true);
    clock.advance(Duration.ofSeconds(1));
    health.failed(c, true);
    clock.advance(Duration.ofSeconds(1));
    health.failed(a, true);

    boolean[] tried = new boolean[3];
    assertThat(health.acquire(abc, tried)).isSameAs(b);
    assertThat(health.acquire(abc, tried)).isSameAs(c);
    assertThat(health.acquire(abc, tried)).isSameAs(a);
  }

  @Test
  void anUpUpstreamIsTriedBeforeDownOnesEvenWhenBusier() {
    health.failed(a, true);
    health.acquire(List.of(b), new boolean[1]);
    health.acquire(List.of(b), new boolean[1]);

    boolean[] tried = new boolean[2];
    assertThat(health.acquire(List.of(a, b), tried)).isSameAs(b);
    assertThat(health.acquire(List.of(a, b), tried)).isSameAs(a);
  }

  @Test
  void successClearsFailuresAndTheDownMarkAndTheSnapshotShowsBoth() {
    health.failed(a, true);
    health.failed(a, false);
    health.acquire(List.of(b), new boolean[1]);

    assertThat(health.snapshot())
        .containsExactly(
            new UpstreamState("http://a.example:8080", 0, 2, clock.instant().plusSeconds(10)),
            new UpstreamState("http://b.example:8080", 1, 0, null),
            new UpstreamState("http://c.example:8080", 0, 0, null));

    health.succeeded(a);
    assertThat(health.snapshot().get(0))
        .isEqualTo(new UpstreamState("http://a.example:8080", 0, 0, null));
  }

  @Test
  void upstreamsAreSharedByNormalizedUrl() {
    assertThat(health.upstream(URI.create("HTTP://A.Example:8080/"))).isSameAs(a);
    Upstream tls = health.upstream(URI.create("https://secure.example"));
    assertThat(health.upstream(URI.create("https://secure.example:443"))).isSameAs(tls);
    assertThat(tls.key).isEqualTo("https://secure.example:443");
    assertThat(tls.authority).isEqualTo("secure.example");
    assertThat(tls.tls).isTrue();
    assertThat(health.upstream(URI.create("http://[::1]:81")).key).isEqualTo("http://[::1]:81");
    assertThatThrownBy(() -> health.upstream(URI.create("ftp://x.example")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDuplicateInTheListIsTriedOnce() {
    boolean[] tried = new boolean[3];
    List<Upstream> withDuplicate = List.of(a, b, a);
    assertThat(health.acquire(withDuplicate, tried)).isSameAs(a);
    assertThat(tried).containsExactly(true, false, true);
  }
}
