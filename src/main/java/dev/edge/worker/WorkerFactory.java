package dev.edge.worker;

import dev.edge.config.EdgeOptions.Transport;
import dev.edge.config.Supervision;
import dev.edge.edgefile.AppDef;
import dev.edge.observe.SequencedRing;
import dev.edge.pool.WorkerConnections;
import dev.edge.pool.WorkerSlot;
import dev.edge.sdk.EdgeWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import reactor.netty.http.client.HttpClient;

/**
 * Starts one worker process with everything the edge needs to talk to it: a new id, its socket (or
 * loopback port), its keep-alive connections, its pid record, and the pumps that drain its output.
 * Blocking (fork/exec): called on the supervisor thread only.
 */
final class WorkerFactory {

  /** Pooled connections to a worker are closed after this idle time (the SDK's is 120 s). */
  static final Duration POOL_IDLE = Duration.ofSeconds(60);

  static final int LOG_LINES = 1000;

  private final AppDef app;
  private final Supervision policy;
  private final SocketDirectory sockets;
  private final WorkerLaunch launch;
  private final SequencedRing<WorkerLine> appOutput;

  WorkerFactory(
      AppDef app,
      Supervision policy,
      SocketDirectory sockets,
      WorkerLaunch launch,
      SequencedRing<WorkerLine> appOutput) {
    this.app = app;
    this.policy = policy;
    this.sockets = sockets;
    this.launch = launch;
    this.appOutput = appOutput;
  }

  /** The kernel scheduling policy workers start with, in lower case. */
  String scheduling() {
    return launch.scheduling().name().toLowerCase(Locale.ROOT);
  }

  /** Spawns a worker of generation {@code gen} for slot {@code slotIndex}. */
  WorkerProcess launch(int slotIndex, long gen) throws IOException {
    String appId = app.id();
    long id = sockets.nextWorkerId();
    Path socket = app.transport() == Transport.UNIX ? sockets.socketFor(appId, id) : null;
    int port = socket == null ? freeLoopbackPort() : 0;
    SocketAddress address =
        socket != null
            ? EdgeWorker.unixAddress(socket.toString())
            : new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    WorkerConnections clients = new WorkerConnections(address, POOL_IDLE);
    WorkerSlot slot =
        new WorkerSlot(
            id,
            gen,
            app.maxInflight(),
            clients,
            socket != null ? socket.toString() : "127.0.0.1:" + port,
            policy.maxRequests());
    long startedAt = System.nanoTime();
    Process process;
    try {
      process = launch.builder(id, gen, socket, port).start();
    } catch (IOException e) {
      clients.close();
      throw e;
    }
    sockets.recordWorker(process);
    LogRing output = new LogRing(LOG_LINES);
    String prefix = "[" + appId + " w" + id + "]";
    OutputPump.start(process.getInputStream(), prefix, output, appOutput, id, "edge-out-w" + id);
    OutputPump.start(process.getErrorStream(), prefix, output, appOutput, id, "edge-err-w" + id);
    HttpClient probes = HttpClient.newConnection().remoteAddress(() -> address).disableRetry(true);
    return new WorkerProcess(slotIndex, slot, process, clients, output, socket, startedAt, probes);
  }

  private static int freeLoopbackPort() {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }
}
