package dev.edge.manage;

import dev.edge.EdgeServer;
import dev.edge.runtime.ConfigReloader;
import dev.edge.runtime.ConfigStatus;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code config}: UP while the edge serves its active config (listener bound, workers started, not
 * yet stopped); DOWN before that and after. A rejected reload leaves it UP: the config before it is
 * still the one served. Details: the {@code config} section of {@code /status}.
 */
final class ConfigHealth implements HealthIndicator {

  private final EdgeServer server;
  private final ConfigReloader reloader;

  ConfigHealth(EdgeServer server, ConfigReloader reloader) {
    this.server = server;
    this.reloader = reloader;
  }

  @Override
  public Health health() {
    Health.Builder health = server.isRunning() ? Health.up() : Health.down();
    return health.withDetails(ConfigStatus.describe(reloader)).build();
  }
}
