package dev.edge.edgefile;

import dev.edge.config.EdgeOptions.Transport;
import java.time.Duration;

/**
 * The values an Edgefile's {@code edge:} block starts from (the command-line options), and which it
 * may override for every app and route.
 *
 * @param transport default worker transport
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
    int workers,
    int maxInflight,
    int maxQueue,
    Timeouts timeouts,
    Duration startTimeout,
    AppDef.RestartPolicy restartPolicy,
    AppDef.HealthCheck healthCheck) {}
