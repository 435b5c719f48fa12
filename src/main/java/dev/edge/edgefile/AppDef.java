package dev.edge.edgefile;

import dev.edge.config.EdgeOptions.Scheduling;
import dev.edge.config.EdgeOptions.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How to run one app: its command, its pool's limits and how its workers are supervised, with every
 * default filled in. Two definitions that are equal run the same way: a reload keeps the workers of
 * an app whose definition did not change.
 *
 * @param id the app's key under {@code apps:}
 * @param launch how one worker process is started
 * @param transport how workers listen
 * @param scheduling the kernel scheduling policy of the app's worker processes
 * @param workers workers in the pool
 * @param maxInflight concurrent requests per worker
 * @param maxQueue requests that may wait when all workers are full
 * @param timeouts the app's timeouts (queue and read are used for its pool)
 * @param startTimeout longest time from spawn to READY
 * @param javaOptions JVM options for {@code jar} and {@code main} launches
 * @param env extra environment variables for each worker
 * @param restartPolicy the restart budget
 * @param healthCheck readiness and health probing
 * @param watch absolute paths or globs whose change rolls the app's workers
 */
public record AppDef(
    String id,
    Launch launch,
    Transport transport,
    Scheduling scheduling,
    int workers,
    int maxInflight,
    int maxQueue,
    Timeouts timeouts,
    Duration startTimeout,
    List<String> javaOptions,
    Map<String, String> env,
    RestartPolicy restartPolicy,
    HealthCheck healthCheck,
    List<String> watch) {

  /**
   * How a worker process is started. Relative paths in the Edgefile are resolved against its
   * directory.
   */
  public sealed interface Launch {

    /**
     * {@code java [javaOptions] -jar JAR}.
     *
     * @param jar absolute path of the app jar
     */
    record Jar(Path jar) implements Launch {}

    /**
     * {@code java [javaOptions] -cp CLASSPATH MAIN}.
     *
     * @param main the main class
     * @param classpath absolute classpath entries (a trailing {@code *} is kept for the JVM)
     */
    record MainClass(String main, List<String> classpath) implements Launch {}

    /**
     * Any program; it gets the same environment contract.
     *
     * @param argv the program and its arguments
     */
    record Command(List<String> argv) implements Launch {}

    /**
     * An app built into {@code edge.jar}.
     *
     * @param name the built-in app's name (only {@code demo} today)
     */
    record Builtin(String name) implements Launch {}
  }

  /**
   * The restart budget of each worker slot.
   *
   * @param maxRestarts failures tolerated within {@code window}; one more abandons the slot
   * @param window the budget's window
   */
  public record RestartPolicy(int maxRestarts, Duration window) {}

  /**
   * Readiness and active health checks.
   *
   * @param path the path probed over the worker's socket
   * @param interval time between checks of a READY worker
   * @param timeout how long one check may take
   * @param unhealthyThreshold consecutive failures that make a worker unhealthy
   */
  public record HealthCheck(
      String path, Duration interval, Duration timeout, int unhealthyThreshold) {}
}
