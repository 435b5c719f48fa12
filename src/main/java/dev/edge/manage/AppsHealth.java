package dev.edge.manage;

import dev.edge.pool.PoolSnapshot;
import dev.edge.runtime.AppRuntime;
import dev.edge.runtime.ConfigReloader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code apps}: one contributor per app of the config active at the time of the call (a reload that
 * adds or removes apps changes the list), UP while the app has at least one READY worker and DOWN
 * while it has none. An abandoned slot beside a READY worker is UP, with {@code abandoned} in the
 * details: the app still serves.
 */
final class AppsHealth implements CompositeHealthContributor {

  private final ConfigReloader reloader;

  AppsHealth(ConfigReloader reloader) {
    this.reloader = reloader;
  }

  @Override
  public HealthContributor getContributor(String name) {
    AppRuntime app = reloader.active().apps().get(name);
    return app == null ? null : indicator(app);
  }

  @Override
  public Stream<Entry> stream() {
    return reloader.active().apps().values().stream()
        .map(app -> new Entry(app.app().id(), indicator(app)));
  }

  private static HealthIndicator indicator(AppRuntime app) {
    return () -> health(app.pool().snapshot());
  }

  static Health health(PoolSnapshot pool) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("workers", pool.workers());
    details.put("ready", pool.ready());
    details.put("inflight", pool.inflight());
    details.put("queueDepth", pool.queueDepth());
    details.put("abandoned", pool.abandoned());
    details.put("generation", pool.generation());
    return (pool.ready() > 0 ? Health.up() : Health.down()).withDetails(details).build();
  }
}
