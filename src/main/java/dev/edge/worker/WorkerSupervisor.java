package dev.edge.worker;

import dev.edge.EdgeException.Reason;
import dev.edge.config.EdgeOptions;
import dev.edge.config.EdgeOptions.Transport;
import dev.edge.pool.AppPool;
import dev.edge.pool.WorkerSlot;
import dev.edge.sdk.EdgeWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Keeps one app at its configured number of workers: spawns child JVMs, probes them until READY,
 * puts them into the app's {@link AppPool}, takes them out the moment they exit or cannot be
 * reached, and replaces them after a back-off.
 *
 * <p>Threads: processes are spawned from one long-lived thread ({@code edge-spawner}; a parent
 * death signal is bound to the thread that forked), readiness probes run on the event loop without
 * blocking, exits are handled on the JDK's process reaper. Each worker's output is drained by two
 * daemon threads ({@link OutputPump}).
 */
public final class WorkerSupervisor {

  /**
   * Delay before replacing a worker that exited unexpectedly, by consecutive failures of its slot:
   * doubling from 1 s, capped at 30 s. A worker that ran {@link #STABLE_AFTER} resets its slot.
   */
  static final long[] RESTART_DELAYS_MS = {1_000, 2_000, 4_000, 8_000, 16_000, 30_000};

  static final Duration STABLE_AFTER = Duration.ofSeconds(60);
  static final Duration PROBE_INTERVAL = Duration.ofMillis(20);
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
  static final Duration STOP_GRACE = Duration.ofSeconds(10);
  static final Duration POOL_IDLE = Duration.ofSeconds(60);
  static final int LOG_LINES = 1000;

  private static final Logger LOG = LoggerFactory.getLogger("edge.supervisor");

  private final EdgeOptions options;
  private final String appId;
  private final AppPool pool;
  private final SocketDirectory sockets;
  private final WorkerLaunch launch;
  private final ScheduledExecutorService spawner;
  private final Map<Long, RunningWorker> running = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong(1);
  private final long generation = 1;
  private volatile boolean stopping;

  /**
   * Creates a supervisor for the app described by {@code options}; nothing starts until {@link
   * #start}. Blocking: prepares the demo runtime (file I/O) when no app jar is given.
   */
  public WorkerSupervisor(EdgeOptions options, AppPool pool, SocketDirectory sockets) {
    this.options = options;
    this.appId = options.appId();
    this.pool = pool;
    this.sockets = sockets;
    this.launch = WorkerLaunch.plan(options);
    this.spawner =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "edge-spawner");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Spawns the app's workers; they join routing as each becomes READY. */
  public void start() {
    for (int slot = 0; slot < options.workers(); slot++) {
      int index = slot;
      spawner.execute(() -> spawn(index, 0));
    }
  }

  /** Called when the request path could not reach a worker: it is out of routing; replace it. */
  public void onUnreachable(WorkerSlot slot) {
    RunningWorker worker = running.get(slot.id());
    if (worker != null && worker.process().isAlive()) {
      LOG.warn(
          "worker_unreachable app={} worker={} pid={}: stopping it",
          appId,
          slot.id(),
          worker.process().pid());
      terminate(worker.process());
    }
  }

  /** The last lines of output of a running worker, oldest first. */
  public List<String> recentOutput(long workerId, int lines) {
    RunningWorker worker = running.get(workerId);
    return worker == null ? List.of() : worker.output().tail(lines);
  }

  private void spawn(int slotIndex, int failures) {
    if (stopping) {
      return;
    }
    long id = nextId.getAndIncrement();
    Path socket = options.transport() == Transport.UNIX ? sockets.socketFor(appId, id) : null;
    int port = socket == null ? freeLoopbackPort() : 0;
    SocketAddress address =
        socket != null
            ? EdgeWorker.unixAddress(socket.toString())
            : new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    ConnectionProvider connections =
        ConnectionProvider.builder("edge-" + appId + "-w" + id)
            .maxConnections(options.maxInflight() + 8)
            .pendingAcquireMaxCount(options.maxInflight() * 2)
            .pendingAcquireTimeout(Duration.ofSeconds(10))
            .maxIdleTime(POOL_IDLE)
            .build();
    HttpClient client =
        HttpClient.create(connections).remoteAddress(() -> address).disableRetry(true);
    WorkerSlot slot =
        new WorkerSlot(
            id,
            generation,
            options.maxInflight(),
            client,
            socket != null ? socket.toString() : "127.0.0.1:" + port);
    LogRing output = new LogRing(LOG_LINES);
    Process process;
    long startedAt = System.nanoTime();
    try {
      process = launch.builder(appId, id, generation, socket, port).start();
    } catch (IOException e) {
      LOG.error("worker_start_failed app={} worker={}: {}", appId, id, e.getMessage());
      connections.disposeLater().subscribe();
      scheduleReplacement(slotIndex, failures + 1);
      return;
    }
    RunningWorker worker =
        new RunningWorker(
            slotIndex, failures, slot, process, connections, output, socket, startedAt);
    running.put(id, worker);
    pool.add(slot);
    String prefix = "[" + appId + " w" + id + "]";
    OutputPump.start(process.getInputStream(), prefix, output, "edge-out-w" + id);
    OutputPump.start(process.getErrorStream(), prefix, output, "edge-err-w" + id);
    LOG.info(
        "worker_start app={} worker={} pid={} generation={} address={}",
        appId,
        id,
        process.pid(),
        generation,
        slot.address());
    worker.probe = probeUntilReady(worker);
    process.onExit().thenRun(() -> onExit(worker));
  }

  private Disposable probeUntilReady(RunningWorker worker) {
    WorkerSlot slot = worker.slot();
    return Mono.defer(() -> slot.client().get().uri(options.healthPath()).response())
        .map(response -> response.status().code())
        .timeout(PROBE_TIMEOUT)
        .onErrorReturn(0)
        .filter(code -> code >= 200 && code < 300)
        .repeatWhenEmpty(Integer.MAX_VALUE, attempts -> attempts.delayElements(PROBE_INTERVAL))
        .timeout(options.startTimeout())
        .subscribe(
            code -> {
              pool.markReady(slot);
              LOG.info(
                  "worker_ready app={} worker={} startMs={}",
                  appId,
                  slot.id(),
                  (System.nanoTime() - worker.startedAt()) / 1_000_000);
            },
            error -> {
              LOG.error(
                  "worker_start_timeout app={} worker={}: not READY within {} ms; last output: {}",
                  appId,
                  slot.id(),
                  options.startTimeout().toMillis(),
                  worker.output().tail(20));
              terminate(worker.process());
            });
  }

  private void onExit(RunningWorker worker) {
    WorkerSlot slot = worker.slot();
    running.remove(slot.id());
    if (worker.probe != null) {
      worker.probe.dispose();
    }
    pool.remove(slot);
    worker.connections().disposeLater().subscribe();
    deleteSocket(worker.socket());
    long ranMs = (System.nanoTime() - worker.startedAt()) / 1_000_000;
    int code = worker.process().exitValue();
    if (stopping) {
      LOG.info("worker_exit app={} worker={} code={} ranMs={}", appId, slot.id(), code, ranMs);
      return;
    }
    LOG.warn(
        "worker_exit app={} worker={} code={} ranMs={} (unexpected); last output: {}",
        appId,
        slot.id(),
        code,
        ranMs,
        worker.output().tail(5));
    int failures = ranMs >= STABLE_AFTER.toMillis() ? 1 : worker.failures() + 1;
    scheduleReplacement(worker.slotIndex(), failures);
  }

  private void scheduleReplacement(int slotIndex, int failures) {
    if (stopping) {
      return;
    }
    long delay = RESTART_DELAYS_MS[Math.min(failures, RESTART_DELAYS_MS.length) - 1];
    LOG.info(
        "worker_restart app={} slot={} attempt={} backoffMs={}", appId, slotIndex, failures, delay);
    spawner.schedule(() -> spawn(slotIndex, failures), delay, TimeUnit.MILLISECONDS);
  }

  /**
   * Stops every worker: SIGTERM, then SIGKILL for those still alive after the grace period, and
   * removes the socket directory. Blocks up to {@link #STOP_GRACE}.
   */
  public void stop() {
    stopping = true;
    pool.close(Reason.SHUTTING_DOWN);
    spawner.shutdownNow();
    List<RunningWorker> workers = List.copyOf(running.values());
    workers.forEach(worker -> worker.process().destroy());
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (RunningWorker worker : workers) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!worker.process().waitFor(left, TimeUnit.NANOSECONDS)) {
          LOG.warn(
              "worker_kill app={} worker={}: still running after {} ms",
              appId,
              worker.slot().id(),
              STOP_GRACE.toMillis());
          worker.process().destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        worker.process().destroyForcibly();
      }
    }
    sockets.delete();
  }

  private void terminate(Process process) {
    process.destroy();
    spawner.schedule(
        () -> {
          if (process.isAlive()) {
            process.destroyForcibly();
          }
        },
        STOP_GRACE.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private static void deleteSocket(Path socket) {
    if (socket == null) {
      return;
    }
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      LOG.warn("cannot remove socket {}: {}", socket, e.toString());
    }
  }

  private static int freeLoopbackPort() {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /** A live worker process and what the supervisor keeps about it. */
  private static final class RunningWorker {
    private final int slotIndex;
    private final int failures;
    private final WorkerSlot slot;
    private final Process process;
    private final ConnectionProvider connections;
    private final LogRing output;
    private final Path socket;
    private final long startedAt;
    volatile Disposable probe;

    RunningWorker(
        int slotIndex,
        int failures,
        WorkerSlot slot,
        Process process,
        ConnectionProvider connections,
        LogRing output,
        Path socket,
        long startedAt) {
      this.slotIndex = slotIndex;
      this.failures = failures;
      this.slot = slot;
      this.process = process;
      this.connections = connections;
      this.output = output;
      this.socket = socket;
      this.startedAt = startedAt;
    }

    int slotIndex() {
      return slotIndex;
    }

    int failures() {
      return failures;
    }

    WorkerSlot slot() {
      return slot;
    }

    Process process() {
      return process;
    }

    ConnectionProvider connections() {
      return connections;
    }

    LogRing output() {
      return output;
    }

    Path socket() {
      return socket;
    }

    long startedAt() {
      return startedAt;
    }
  }
}
