package dev.edge.manage;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Properties;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusOutputFormat;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;

/**
 * {@code GET /actuator/prometheus}: Actuator's own scrape endpoint (text or OpenMetrics, by {@code
 * Accept}) over the edge's one registry, after the refresh {@code /metrics} runs before its scrape
 * (the per-worker and certificate gauges are only read at scrape time).
 */
@WebEndpoint(id = "prometheus")
public class PrometheusScrape extends PrometheusScrapeEndpoint {

  private final Runnable beforeScrape;

  PrometheusScrape(PrometheusRegistry registry, Properties exporter, Runnable beforeScrape) {
    super(registry, exporter);
    this.beforeScrape = beforeScrape;
  }

  @Override
  @ReadOperation(producesFrom = PrometheusOutputFormat.class)
  public WebEndpointResponse<byte[]> scrape(
      PrometheusOutputFormat format, @Nullable Set<String> includedNames) {
    beforeScrape.run();
    return super.scrape(format, includedNames);
  }
}
