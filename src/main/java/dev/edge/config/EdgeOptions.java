package dev.edge.config;

import dev.edge.guard.GuardLimits;
import dev.edge.ratelimit.Cidr;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The edge's process options, validated; fixed for the life of the process. Defaults and meanings
 * are listed in {@code docs/edge/CONTRACTS.md} and printed by {@code --help}.
 *
 * @param httpPort port of the HTTP listener; 0 picks a free one
 * @param httpEnabled whether the edge listens for plain HTTP ({@code --no-http} turns it off)
 * @param bindAddress address the listener binds
 * @param app the app jar to run ({@code java -jar APP} per worker), or {@code null} for the demo
 * @param workers workers per app
 * @param eventLoops the edge's event-loop threads (network I/O and the request path)
 * @param maxInflight concurrent requests one worker may have
 * @param maxQueue requests an app may queue when all its workers are full
 * @param queueTimeout longest time a request may wait in the queue
 * @param readTimeout longest time to a worker's response headers
 * @param startTimeout longest time from spawn to READY
 * @param socketDir parent directory of the edge's 0700 socket directory
 * @param cacheDir where derived files (the demo's class-data archive) are kept
 * @param transport how workers listen: a Unix socket or a loopback TCP port
 * @param workerScheduling how the kernel schedules worker processes
 * @param healthPath the readiness path probed on each worker
 * @param workerJavaOptions JVM options for worker processes
 * @param jsonLogging lifecycle events as one JSON object per line
 * @param supervision health checks, restart budget, recycling, rolls and shutdown
 * @param edgefile the Edgefile given with {@code --edgefile}, or null (then {@code ./Edgefile} and
 *     {@code ./config/Edgefile} are looked for, unless an APP was given)
 * @param adminToken the bearer token that opens the control endpoints to non-loopback clients, or
 *     null
 * @param accessLog one access log line per request ({@code --no-access-log} turns it off)
 * @param metrics record metrics and serve {@code /metrics} ({@code --no-metrics} turns it off)
 * @param rateLimit requests each client may make per {@code rateLimitWindow}; 0 = no limit
 * @param rateLimitWindow the rate limiter's window
 * @param trustedProxies networks whose {@code X-Forwarded-For} is believed
 * @param guard request size and time limits the request guard enforces
 * @param buffering how request and response bodies are buffered
 * @param fastLane whether the HTTP/1.1 fast lane carries bodyless GET and HEAD requests to apps
 *     itself ({@code --no-fast-lane}: it still decides every request and keeps one request at a
 *     time per connection, but hands every decision to Reactor Netty's server, to compare the lanes
 *     or to rule the fast lane's own carrying out)
 * @param https the HTTPS listener and its certificates
 * @param realtime the realtime hub
 * @param mdns mDNS advertisement of {@code edge.local} and the sites' {@code .local} hosts
 * @param runDir where the control socket and pid file go ({@code --run-dir}, 0700)
 * @param management the management listener (Actuator), or {@link Management#OFF}
 * @param memory when the idle edge gives memory back ({@code --memory-release-idle-ms})
 */
public record EdgeOptions(
    int httpPort,
    boolean httpEnabled,
    String bindAddress,
    Path app,
    int workers,
    int eventLoops,
    int maxInflight,
    int maxQueue,
    Duration queueTimeout,
    Duration readTimeout,
    Duration startTimeout,
    Path socketDir,
    Path cacheDir,
    Transport transport,
    Scheduling workerScheduling,
    String healthPath,
    List<String> workerJavaOptions,
    boolean jsonLogging,
    Supervision supervision,
    Path edgefile,
    String adminToken,
    boolean accessLog,
    boolean metrics,
    int rateLimit,
    Duration rateLimitWindow,
    List<Cidr> trustedProxies,
    GuardLimits guard,
    Buffering buffering,
    boolean fastLane,
    Https https,
    Realtime realtime,
    Mdns mdns,
    Path runDir,
    Management management,
    Memory memory) {

  /** The Reactor Netty property that sets the number of event loops; the edge sets it. */
  public static final String EVENT_LOOPS_PROPERTY = "reactor.netty.ioWorkerCount";

  /**
   * Sets the number of event loops for this process. Must run before Reactor Netty creates its
   * loops (the edge calls it while parsing options, before anything listens or connects).
   */
  public void applyEventLoops() {
    System.setProperty(EVENT_LOOPS_PROPERTY, Integer.toString(eventLoops));
  }

  /** How a worker listens. */
  public enum Transport {
    /** A Unix domain socket in the edge's socket directory ({@code EDGE_WORKER_SOCKET}). */
    UNIX,
    /** A free loopback TCP port ({@code EDGE_WORKER_PORT}), for apps that cannot bind a socket. */
    TCP
  }

  /**
   * How the kernel schedules an app's worker processes (Linux; elsewhere workers always run with
   * the normal policy). See {@code docs/edge/WORKER_PROTOCOL.md}.
   */
  public enum Scheduling {
    /**
     * {@code SCHED_BATCH}: the same CPU share as any process, but a worker woken by a request does
     * not preempt the thread that is running, so the edge's event loop finishes the batch of work
     * it has in hand (other clients' requests and responses) before the worker runs.
     */
    BATCH,
    /** {@code SCHED_OTHER}, the policy every process gets by default. */
    NORMAL
  }

  /** The app id: the jar's file name without {@code .jar}, or {@code demo}. */
  public String appId() {
    if (app == null) {
      return "demo";
    }
    String name = app.getFileName().toString();
    String base = name.endsWith(".jar") ? name.substring(0, name.length() - 4) : name;
    String id = base.replaceAll("[^A-Za-z0-9_.-]", "-");
    return id.isEmpty() ? "app" : id;
  }
}
