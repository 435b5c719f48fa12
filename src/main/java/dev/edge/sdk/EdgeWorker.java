package dev.edge.sdk;

import io.netty.channel.Channel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * Runs an HTTP handler as an edge worker: binds the socket (or port) the edge assigned, answers the
 * readiness path, and stops gracefully when the edge goes away.
 *
 * <p>Lifecycle: {@link #serve} binds, then blocks the calling thread until the worker stops. A stop
 * is triggered by SIGTERM (JVM shutdown) or by EOF on stdin, which is how a worker learns that the
 * edge died. A stop refuses readiness, waits for in-flight requests to finish (at most {@link
 * #DRAIN_TIMEOUT}), then closes the server; on stdin EOF the process then exits with status 0.
 *
 * <p>Thread-safety: all methods may be called from any thread; {@link #serve} is meant to be called
 * once per process.
 */
public final class EdgeWorker {

  /** How long a stopping worker waits for in-flight requests before closing its server. */
  public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

  /** Keep-alive idle time of worker connections; the edge evicts its pooled ones sooner. */
  public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(120);

  private static final AtomicLong HANDLED = new AtomicLong();
  private static volatile boolean healthy = true;

  private final WorkerEnvironment env;
  private final AtomicInteger inflight = new AtomicInteger();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile DisposableServer server;

  private EdgeWorker(WorkerEnvironment env) {
    this.env = env;
  }

  /**
   * Serves {@code handler} on the socket from the environment until the worker is stopped.
   *
   * @param handler a Reactor Netty handler; it never sees the readiness path
   */
  public static void serve(
      BiFunction<? super HttpServerRequest, ? super HttpServerResponse, ? extends Publisher<Void>>
          handler) {
    EdgeWorker worker = start(WorkerEnvironment.current(), handler);
    worker.watchStdinAndSignals();
    worker.awaitStop();
  }

  /**
   * Binds {@code handler} for {@code env} and returns at once, without watching stdin or signals:
   * for embedding and for warm-up runs. Call {@link #stop()} to stop.
   */
  public static EdgeWorker start(
      WorkerEnvironment env,
      BiFunction<? super HttpServerRequest, ? super HttpServerResponse, ? extends Publisher<Void>>
          handler) {
    EdgeWorker worker = new EdgeWorker(env);
    worker.bind(handler);
    return worker;
  }

  /**
   * Lets the app report its own health: while false, the readiness path answers {@code 503
   * unhealthy} and the edge, after its configured number of failed checks, drains and replaces this
   * worker.
   */
  public static void setHealthy(boolean value) {
    healthy = value;
  }

  /** The number of requests this worker process has finished, for apps that report it. */
  public static long requestsHandled() {
    return HANDLED.get();
  }

  /**
   * The address a server must bind for the socket path, matching the active Netty transport: the
   * native epoll transport needs Netty's {@code DomainSocketAddress}, NIO needs the JDK's.
   */
  public static SocketAddress unixAddress(String path) {
    return LoopResources.DEFAULT_NATIVE && LoopResources.hasNativeSupport()
        ? new DomainSocketAddress(path)
        : UnixDomainSocketAddress.of(path);
  }

  /**
   * Works around a bug of Reactor Netty 1.3.7 and earlier (reactor-netty#4361, fixed in 1.3.8,
   * which the edge itself runs on; an app using this SDK as a library brings its own Reactor Netty,
   * Spring Boot 4.1.1's being 1.3.7): a keep-alive connection stops reading when a request arrives
   * before the previous request's operations terminated and the pipelined queue drains without a
   * new request, so the next request on that connection hangs. The edge reuses its connections
   * immediately, which makes this likely under load. After each request terminates, this asks the
   * channel to read once more; the extra read is harmless when reading was already armed.
   *
   * <p>Spring Boot workers apply it in their {@code NettyServerCustomizer}: {@code server ->
   * EdgeWorker.keepReading(server.bindAddress(...))}.
   */
  public static HttpServer keepReading(HttpServer server) {
    return server.doOnConnection(
        connection -> {
          Channel channel = connection.channel();
          Runnable kick =
              () -> {
                if (channel.isActive()) {
                  channel.eventLoop().execute(channel::read);
                }
              };
          connection.onTerminate().subscribe(null, error -> kick.run(), kick);
        });
  }

  /** The address this worker must bind, from the environment: its Unix socket or loopback port. */
  public static SocketAddress bindAddress(WorkerEnvironment env) {
    return env.socketPath() != null
        ? unixAddress(env.socketPath())
        : new InetSocketAddress("127.0.0.1", env.port());
  }

  private void bind(
      BiFunction<? super HttpServerRequest, ? super HttpServerResponse, ? extends Publisher<Void>>
          handler) {
    if (env.socketPath() != null) {
      try {
        Files.deleteIfExists(Path.of(env.socketPath()));
      } catch (IOException e) {
        throw new IllegalStateException("cannot remove stale socket " + env.socketPath(), e);
      }
    }
    String health = env.healthPath();
    server =
        keepReading(HttpServer.create())
            .bindAddress(() -> bindAddress(env))
            .idleTimeout(IDLE_TIMEOUT)
            .handle(
                (req, res) -> {
                  if (isHealthProbe(req.uri(), health)) {
                    if (stopping.get()) {
                      return res.status(503).sendString(Flux.just("draining"));
                    }
                    return healthy
                        ? res.sendString(Flux.just("ok"))
                        : res.status(503).sendString(Flux.just("unhealthy"));
                  }
                  inflight.incrementAndGet();
                  return Flux.from(handler.apply(req, res))
                      .doFinally(
                          signal -> {
                            HANDLED.incrementAndGet();
                            inflight.decrementAndGet();
                          });
                })
            .bindNow();
  }

  private void watchStdinAndSignals() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "edge-worker-shutdown"));
    Thread stdinWatch = new Thread(this::watchStdin, "edge-worker-stdin");
    stdinWatch.setDaemon(true);
    stdinWatch.start();
  }

  static boolean isHealthProbe(String uri, String health) {
    if (!uri.startsWith(health)) {
      return false;
    }
    return uri.length() == health.length() || uri.charAt(health.length()) == '?';
  }

  private void watchStdin() {
    try (InputStream in = System.in) {
      byte[] buffer = new byte[256];
      while (in.read(buffer) >= 0) {
        // The edge never writes; reading only detects EOF.
      }
    } catch (IOException e) {
      // A broken pipe means the same as EOF: the edge is gone.
    }
    stop();
    System.exit(0);
  }

  /** Stops once: refuse readiness, let in-flight requests finish, close the server. */
  public void stop() {
    if (!stopping.compareAndSet(false, true)) {
      awaitStop();
      return;
    }
    long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
    while (inflight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    DisposableServer current = server;
    if (current != null) {
      current.disposeNow(Duration.ofSeconds(5));
    }
    stopped.countDown();
  }

  private void awaitStop() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
