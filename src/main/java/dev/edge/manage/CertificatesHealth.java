package dev.edge.manage;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code certificates}: one contributor per certificate the edge serves or manages, named {@code
 * <source>-<first name>} ({@code dev-localhost}, {@code acme-example.com}), with the row {@code
 * /diagnostics} shows for it as details.
 *
 * <p>DOWN when the certificate has expired, or when a managed name has no certificate at all (its
 * ACME order is failing and there is nothing to serve). A renewal or reload that failed while a
 * valid certificate is still served stays UP, with {@code lastError} in the details: clients are
 * still served correctly, so readiness must not take the edge out of its load balancer for it;
 * {@code edge_acme_orders_total{result="failed"}} and the expiry gauge are what to alert on.
 */
final class CertificatesHealth implements CompositeHealthContributor {

  private final Supplier<List<Map<String, Object>>> rows;

  CertificatesHealth(Supplier<List<Map<String, Object>>> rows) {
    this.rows = rows;
  }

  @Override
  public HealthContributor getContributor(String name) {
    return named().get(name);
  }

  @Override
  public Stream<Entry> stream() {
    return named().entrySet().stream().map(e -> new Entry(e.getKey(), e.getValue()));
  }

  private Map<String, HealthIndicator> named() {
    Map<String, HealthIndicator> named = new LinkedHashMap<>();
    for (Map<String, Object> row : rows.get()) {
      List<?> names = (List<?>) row.get("names");
      String base = row.get("source") + "-" + (names.isEmpty() ? "unnamed" : names.get(0));
      String name = base;
      for (int n = 2; named.containsKey(name); n++) {
        name = base + "-" + n;
      }
      Health health = health(row, Instant.now());
      named.put(name, () -> health);
    }
    return named;
  }

  static Health health(Map<String, Object> row, Instant now) {
    Object notAfter = row.get("notAfter");
    Health.Builder health;
    if (notAfter == null) {
      health = Health.down().withDetail("problem", "no certificate to serve");
    } else if (Instant.parse(notAfter.toString()).isBefore(now)) {
      health = Health.down().withDetail("problem", "expired");
    } else {
      health = Health.up();
    }
    return health.withDetails(row).build();
  }
}
