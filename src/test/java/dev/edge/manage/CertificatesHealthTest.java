package dev.edge.manage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

class CertificatesHealthTest {

  private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");

  private static Map<String, Object> row(
      String source, String name, String notAfter, String error) {
    Map<String, Object> row = new HashMap<>();
    row.put("names", List.of(name));
    row.put("source", source);
    row.put("notAfter", notAfter);
    row.put("lastError", error);
    return row;
  }

  @Test
  void validIsUpEvenWithAFailedRenewalExpiredOrMissingIsDown() {
    assertThat(
            CertificatesHealth.health(row("dev", "localhost", "2027-01-01T00:00:00Z", null), NOW)
                .getStatus())
        .isEqualTo(Status.UP);
    Health failing =
        CertificatesHealth.health(
            row("acme", "example.com", "2027-01-01T00:00:00Z", "order failed: rate limited"), NOW);
    assertThat(failing.getStatus()).isEqualTo(Status.UP);
    assertThat(failing.getDetails()).containsEntry("lastError", "order failed: rate limited");
    Health expired =
        CertificatesHealth.health(row("configured", "a.test", "2026-12-06T23:59:59Z", null), NOW);
    assertThat(expired.getStatus()).isEqualTo(Status.DOWN);
    assertThat(expired.getDetails()).containsEntry("problem", "expired");
    Health missing = CertificatesHealth.health(row("acme", "b.example", null, "no order yet"), NOW);
    assertThat(missing.getStatus()).isEqualTo(Status.DOWN);
    assertThat(missing.getDetails()).containsEntry("problem", "no certificate to serve");
  }

  @Test
  void oneContributorPerCertificateNamedBySourceAndFirstName() {
    CertificatesHealth health =
        new CertificatesHealth(
            () ->
                List.of(
                    row("dev", "localhost", "2099-01-01T00:00:00Z", null),
                    row("acme", "example.com", "2099-01-01T00:00:00Z", null),
                    row("acme", "example.com", null, "failing")));
    assertThat(health.stream().map(e -> e.name()).toList())
        .containsExactly("dev-localhost", "acme-example.com", "acme-example.com-2");
    assertThat(((HealthIndicator) health.getContributor("acme-example.com-2")).health().getStatus())
        .isEqualTo(Status.DOWN);
    assertThat(health.getContributor("nope")).isNull();
  }
}
