package dev.edge.acme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.tls.PemFiles;
import dev.edge.tls.TestCertificates;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenewalPolicyTest {

  @Test
  void renewsAtTwoThirdsOfTheLifetimeUnlessTheCaSuggestsAnotherTime(@TempDir Path dir)
      throws Exception {
    new TestCertificates().issue(dir.resolve("c.pem"), dir.resolve("k.pem"), 7, "a.example");
    X509Certificate leaf = PemFiles.readChain(dir.resolve("c.pem")).get(0);
    Instant notBefore = leaf.getNotBefore().toInstant();
    Duration life = Duration.between(notBefore, leaf.getNotAfter().toInstant());
    assertThat(RenewalPolicy.renewAt(leaf, Optional.empty()))
        .isEqualTo(notBefore.plus(life.multipliedBy(2).dividedBy(3)));
    Instant suggested = Instant.parse("2030-01-01T00:00:00Z");
    assertThat(RenewalPolicy.renewAt(leaf, Optional.of(suggested))).isEqualTo(suggested);
  }

  @Test
  void failuresBackOffFromAMinuteDoublingToADay() {
    assertThat(RenewalPolicy.retryAfter(1)).isEqualTo(Duration.ofMinutes(1));
    assertThat(RenewalPolicy.retryAfter(2)).isEqualTo(Duration.ofMinutes(2));
    assertThat(RenewalPolicy.retryAfter(5)).isEqualTo(Duration.ofMinutes(16));
    assertThat(RenewalPolicy.retryAfter(11)).isEqualTo(Duration.ofMinutes(1024));
    assertThat(RenewalPolicy.retryAfter(12)).isEqualTo(Duration.ofDays(1));
    assertThat(RenewalPolicy.retryAfter(1000)).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void looksAgainAtLeastDaily() {
    Instant now = Instant.parse("2026-12-07T00:00:00Z");
    assertThat(RenewalPolicy.nextLook(now, now.plus(Duration.ofDays(40))))
        .isEqualTo(now.plus(Duration.ofDays(1)));
    assertThat(RenewalPolicy.nextLook(now, now.plus(Duration.ofHours(3))))
        .isEqualTo(now.plus(Duration.ofHours(3)));
  }
}
