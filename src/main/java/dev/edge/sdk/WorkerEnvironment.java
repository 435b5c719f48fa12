package dev.edge.sdk;

import java.util.Map;

/**
 * The contract the edge hands a worker through its environment, read once at start.
 *
 * <p>Exactly one of {@code socketPath} (Unix transport) and {@code port} (TCP transport) is set.
 *
 * @param socketPath absolute path of the Unix socket to bind, or {@code null} for TCP transport
 * @param port loopback TCP port to bind, or {@code 0} for Unix transport
 * @param workerId the worker's id, unique for the edge process's lifetime
 * @param appId the app this worker serves
 * @param generation the app generation this worker belongs to
 * @param healthPath the path the edge probes for readiness
 */
public record WorkerEnvironment(
    String socketPath, int port, long workerId, String appId, long generation, String healthPath) {

  /** Environment variable: absolute path of the worker's Unix socket. */
  public static final String SOCKET = "EDGE_WORKER_SOCKET";

  /** Environment variable: loopback TCP port (only with {@code transport: tcp}). */
  public static final String PORT = "EDGE_WORKER_PORT";

  /** Environment variable: the worker id. */
  public static final String WORKER_ID = "EDGE_WORKER_ID";

  /** Environment variable: the app id. */
  public static final String APP_ID = "EDGE_APP_ID";

  /** Environment variable: the app generation. */
  public static final String GENERATION = "EDGE_GENERATION";

  /** Environment variable: the readiness path (default {@code /ready}). */
  public static final String HEALTH_PATH = "EDGE_HEALTH_PATH";

  /**
   * Reads the environment of this process; fails with a one-line message if it is not a worker's.
   */
  public static WorkerEnvironment current() {
    return from(System.getenv());
  }

  /** Reads a worker environment from the given map. */
  public static WorkerEnvironment from(Map<String, String> env) {
    String socket = env.get(SOCKET);
    String port = env.get(PORT);
    if ((socket == null || socket.isBlank()) && (port == null || port.isBlank())) {
      throw new IllegalStateException(
          SOCKET + " and " + PORT + " are both unset (expected: one of them, set by the edge)");
    }
    return new WorkerEnvironment(
        socket == null || socket.isBlank() ? null : socket,
        port == null || port.isBlank() ? 0 : (int) number(PORT, port),
        number(WORKER_ID, env.getOrDefault(WORKER_ID, "0")),
        env.getOrDefault(APP_ID, "app"),
        number(GENERATION, env.getOrDefault(GENERATION, "1")),
        env.getOrDefault(HEALTH_PATH, "/ready"));
  }

  private static long number(String name, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(name + ": " + value + " (expected: an integer)");
    }
  }
}
