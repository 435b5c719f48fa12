package dev.edge;

import dev.edge.config.EdgeOptions;
import dev.edge.worker.WorkerSupervisor;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The edge's listener and workers as one lifecycle: start spawns the workers and binds the HTTP
 * listener (requests that arrive before a worker is READY wait in the queue), then prints one line
 * per URL served; stop closes the listener and stops the workers.
 *
 * <p>A non-daemon thread waits while the edge runs, so the JVM stays up until it is stopped.
 */
public final class EdgeServer implements SmartLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger("edge.server");
  static final Duration LISTENER_CLOSE = Duration.ofSeconds(5);

  private final EdgeOptions options;
  private final EdgePipeline pipeline;
  private final WorkerSupervisor supervisor;
  private final PrintStream console;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile DisposableServer listener;

  /** Creates the server; nothing is bound until {@link #start()}. */
  public EdgeServer(
      EdgeOptions options,
      EdgePipeline pipeline,
      WorkerSupervisor supervisor,
      PrintStream console) {
    this.options = options;
    this.pipeline = pipeline;
    this.supervisor = supervisor;
    this.console = console;
  }

  @Override
  public void start() {
    supervisor.start();
    listener =
        HttpServer.create()
            .host(options.bindAddress())
            .port(options.httpPort())
            .handle(pipeline::handle)
            .bindNow();
    String host =
        options.bindAddress().equals("0.0.0.0") || options.bindAddress().equals("::")
            ? "localhost"
            : options.bindAddress();
    console.println("edge: http://" + host + ":" + listener.port() + "/");
    console.flush();
    LOG.info(
        "server_start app={} workers={} port={}",
        options.appId(),
        options.workers(),
        listener.port());
    Thread keeper = new Thread(this::awaitStop, "edge-main");
    keeper.setDaemon(false);
    keeper.start();
  }

  /** The bound HTTP port, or -1 before start. */
  public int httpPort() {
    DisposableServer current = listener;
    return current == null ? -1 : current.port();
  }

  @Override
  public void stop() {
    DisposableServer current = listener;
    if (current != null) {
      current.disposeNow(LISTENER_CLOSE);
    }
    supervisor.stop();
    LOG.info("server_stop");
    stopped.countDown();
  }

  @Override
  public boolean isRunning() {
    return listener != null && stopped.getCount() > 0;
  }

  private void awaitStop() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
