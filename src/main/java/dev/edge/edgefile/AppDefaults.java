package dev.edge.edgefile;

import dev.edge.config.EdgeOptions.Scheduling;
import dev.edge.config.EdgeOptions.Transport;
import java.time.Duration;

/**
 * The values an Edgefile's {@code edge:} block starts from (the command-line options), and which it
 * may override for every app and route.
 *
 * @param transport default worker transport
 * @param scheduling default kernel scheduling policy of workers
 * @param workers default workers per app
 * @param maxInflight default concurrent requests per worker
 * @param maxQueue default queue bound per app
 * @param timeouts default timeouts
 * @param startTimeout default spawn-to-READY limit
 * @param restartPolicy default restart budget
 * @param healthCheck default health checks
 */
public record AppDefaults(
    Transport transport,
    Scheduling scheduling,
    int workers,
    int maxInflight,
    int maxQueue,
    Timeouts timeouts,
    Duration startTimeout,
    AppDef.RestartPolicy restartPolicy,
    AppDef.HealthCheck healthCheck) {

  /**
   * The command line's defaults: Unix sockets, {@code SCHED_BATCH} workers, {@code max(2, cores)}
   * workers, 32 requests in flight per worker, a queue of 1000, timeouts connect 5 s / read 30 s /
   * queue 30 s, 60 s to start, at most 10 restarts in 60 s, and {@code /ready} checked every 5 s
   * with a 2 s timeout, 3 failures making a worker unhealthy.
   */
  public static AppDefaults builtIn() {
    return new AppDefaults(
        Transport.UNIX,
        Scheduling.BATCH,
        Math.max(2, Runtime.getRuntime().availableProcessors()),
        32,
        1000,
        new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30)),
        Duration.ofSeconds(60),
        new AppDef.RestartPolicy(10, Duration.ofSeconds(60)),
        new AppDef.HealthCheck("/ready", Duration.ofSeconds(5), Duration.ofSeconds(2), 3));
  }
}
