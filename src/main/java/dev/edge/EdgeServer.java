package dev.edge;

import dev.edge.buffer.BufferDirectory;
import dev.edge.config.EdgeOptions;
import dev.edge.control.ControlSocket;
import dev.edge.guard.RequestGuard;
import dev.edge.observe.EdgeEvents;
import dev.edge.observe.EdgeEvents.Event;
import dev.edge.observe.EdgeMetrics;
import dev.edge.ratelimit.ClientAddresses;
import dev.edge.runtime.AppRuntime;
import dev.edge.runtime.ConfigReloader;
import dev.edge.tls.HttpsListener;
import dev.edge.worker.AppWatcher;
import dev.edge.worker.SocketDirectory;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.springframework.context.SmartLifecycle;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpResources;
import reactor.netty.http.server.ConnectionInfo;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * The edge's listener, config and workers as one lifecycle.
 *
 * <p>Start: bind the HTTP and HTTPS listeners (a port in use stops the edge before any worker is
 * spawned; both listeners share one request path, see {@link HttpsListener}), spawn every app's
 * workers (requests that arrive before a worker is READY wait in the queue), print one line per URL
 * served, start watching the Edgefile (a change reloads it).
 *
 * <p>Stop (graceful shutdown, on SIGTERM or SIGINT): stop accepting connections; let in-flight and
 * queued requests finish for up to {@code --shutdown-grace-ms}; answer any request still queued
 * with {@code 503 shutting_down}; SIGTERM the workers and SIGKILL those still alive {@link
 * #WORKER_STOP_GRACE} later. A daemon safety net halts the JVM {@link #SAFETY_MARGIN} after the
 * grace period if anything hangs.
 */
public final class EdgeServer implements SmartLifecycle {

  /** How long workers get between SIGTERM and SIGKILL once requests have drained. */
  static final Duration WORKER_STOP_GRACE = Duration.ofSeconds(4);

  /** The safety net fires this long after the grace period. */
  static final Duration SAFETY_MARGIN = Duration.ofSeconds(5);

  private final EdgeOptions options;
  private final EdgePipeline pipeline;
  private final Function<ClientAddresses, ChannelHandler> lanes;
  private final RequestGuard guard;
  private final ConfigReloader reloader;
  private final SocketDirectory sockets;
  private final BufferDirectory buffers;
  private final EdgeEvents events;
  private final EdgeMetrics metrics;
  private final HttpsListener tls;
  private final PrintStream console;
  private final CountDownLatch stopped = new CountDownLatch(1);

  /**
   * One thread ({@code edge-accept-select-*}) that only accepts connections and hands each to an
   * event loop; the loops stay Reactor Netty's shared ones, which the edge's clients use too. On an
   * event loop, accepting took 16 connections per turn of a loop that was also serving every
   * connection it had: against a just-started edge, a burst of 400 connections kept new ones,
   * health checks included, seconds in the accept queue (docs/edge/PERFORMANCE.md, "Accept under a
   * connection spike").
   */
  private final LoopResources acceptor = LoopResources.create("edge-accept", 1, 1, true);

  private volatile DisposableServer listener;
  private volatile DisposableServer httpsListener;
  private volatile AppWatcher watcher;
  private volatile ControlSocket control;
  private volatile Runnable shutdown;
  private volatile Duration requestedGrace;

  /**
   * Creates the server; nothing is bound until {@link #start()}.
   *
   * @param lanes makes the HTTP/1.1 lane of a new connection ({@link FastLane}), given how to find
   *     the client behind trusted proxies (null when none are trusted)
   * @param tls the HTTPS listener's TLS and HTTP/2 setup, or null when HTTPS is off
   */
  public EdgeServer(
      EdgeOptions options,
      EdgePipeline pipeline,
      Function<ClientAddresses, ChannelHandler> lanes,
      RequestGuard guard,
      ConfigReloader reloader,
      SocketDirectory sockets,
      BufferDirectory buffers,
      EdgeEvents events,
      EdgeMetrics metrics,
      HttpsListener tls,
      PrintStream console) {
    this.options = options;
    this.pipeline = pipeline;
    this.lanes = lanes;
    this.guard = guard;
    this.reloader = reloader;
    this.sockets = sockets;
    this.buffers = buffers;
    this.events = events;
    this.metrics = metrics;
    this.tls = tls;
    this.console = console;
  }

  @Override
  public void start() {
    ClientAddresses clients =
        options.trustedProxies().isEmpty() ? null : new ClientAddresses(options.trustedProxies());
    HttpServer server =
        guard.install(
            HttpServer.create(),
            channel ->
                channel
                    .pipeline()
                    .addAfter(RequestGuard.TRACKER, FastLane.NAME, lanes.apply(clients)));
    if (clients != null) {
      server = server.forwarded(forwardedBy(clients));
    }
    if (metrics != null) {
      server =
          server.doOnChannelInit(
              (observer, channel, remote) -> {
                metrics.connectionOpened();
                channel.closeFuture().addListener(closed -> metrics.connectionClosed());
              });
    }
    LoopResources loops = HttpResources.get();
    server =
        server
            .runOn(
                new LoopResources() {
                  @Override
                  public EventLoopGroup onServer(boolean useNative) {
                    return loops.onServer(useNative);
                  }

                  @Override
                  public EventLoopGroup onServerSelect(boolean useNative) {
                    return acceptor.onServerSelect(useNative);
                  }
                })
            .host(options.bindAddress())
            .handle(pipeline::handle);
    if (options.httpEnabled()) {
      listener = server.port(options.httpPort()).bindNow();
    }
    if (tls != null) {
      httpsListener = tls.secure(server).port(options.https().port()).bindNow();
    }
    reloader.startInitial();
    String host =
        options.bindAddress().equals("0.0.0.0") || options.bindAddress().equals("::")
            ? "localhost"
            : options.bindAddress();
    if (listener != null) {
      console.println("edge: http://" + host + ":" + listener.port() + "/");
    }
    if (tls != null) {
      tls.printUrls(console, host, httpsListener.port());
    }
    console.flush();
    events.emit(
        Event.SERVER_START,
        "apps",
        List.copyOf(reloader.active().apps().keySet()),
        "config",
        reloader.active().version(),
        "port",
        listener == null ? null : listener.port(),
        "httpsPort",
        httpsPort() < 0 ? null : httpsPort(),
        "pid",
        ProcessHandle.current().pid());
    if (control != null) {
      control.open(listener != null ? listener.port() : httpsPort());
    }
    if (reloader.source().edgefile() != null) {
      List<String> edgefile = List.of(reloader.source().edgefile().toString());
      try {
        watcher =
            AppWatcher.start(
                edgefile, options.supervision().watchDebounce(), () -> reloadConfig("file_change"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot watch " + edgefile.get(0), e);
      }
    }
    Thread keeper = new Thread(this::awaitStop, "edge-main");
    keeper.setDaemon(false);
    keeper.start();
  }

  /**
   * Makes {@code req.remoteAddress()} the client address (the right-most untrusted {@code
   * X-Forwarded-For} hop when the peer is a trusted proxy), so the rate limiter, the access log,
   * the admin access rule and the {@code X-Forwarded-For} sent on all see the same client.
   */
  private static BiFunction<ConnectionInfo, HttpRequest, ConnectionInfo> forwardedBy(
      ClientAddresses clients) {
    return (info, request) -> {
      InetSocketAddress peer = info.getRemoteAddress();
      if (peer == null) {
        return info;
      }
      InetAddress client = clients.clientOf(peer, request.headers().getAll("X-Forwarded-For"));
      return client.equals(peer.getAddress())
          ? info
          : info.withRemoteAddress(new InetSocketAddress(client, peer.getPort()));
    };
  }

  /** The bound HTTP port, or -1 before start or when HTTP is off ({@code --no-http}). */
  public int httpPort() {
    DisposableServer current = listener;
    return current == null ? -1 : current.port();
  }

  /** The bound HTTPS port, or -1 before start or when HTTPS is off. */
  public int httpsPort() {
    DisposableServer current = httpsListener;
    return current == null ? -1 : current.port();
  }

  /** Rolling restart of every app of the active config (SIGUSR1, and later the control API). */
  public void restartApps(String trigger) {
    for (AppRuntime app : reloader.active().apps().values()) {
      app.supervisor().roll(trigger);
    }
  }

  /** The control socket to open once the listeners are bound and to close when stopped. */
  public void controlSocket(ControlSocket socket) {
    this.control = socket;
  }

  /** What begins the graceful shutdown (the SIGTERM handler's), for {@link #requestStop}. */
  public void onStopRequest(Runnable beginShutdown) {
    this.shutdown = beginShutdown;
  }

  /** Begins the graceful shutdown as SIGTERM does, letting requests drain for {@code grace}. */
  public void requestStop(Duration grace) {
    requestedGrace = grace;
    Runnable begin = shutdown;
    if (begin != null) {
      begin.run();
    }
  }

  /** Reloads the Edgefile (SIGHUP, a file change); the outcome is reported as an event. */
  public void reloadConfig(String trigger) {
    reloader.reload(trigger);
  }

  @Override
  public void stop() {
    Duration grace =
        requestedGrace != null ? requestedGrace : options.supervision().shutdownGrace();
    startSafetyNet(grace.plus(SAFETY_MARGIN));
    events.emit(
        Event.SHUTDOWN_START,
        "graceMs",
        grace.toMillis(),
        "activeRequests",
        pipeline.activeRequests());
    AppWatcher.closeQuietly(watcher);
    for (DisposableServer current : new DisposableServer[] {listener, httpsListener}) {
      if (current != null) {
        current.channel().close().syncUninterruptibly();
      }
    }
    acceptor.dispose();
    pipeline.closeConnectionsAfterResponse();
    awaitRequestsDrained(grace);
    reloader.stopAll(WORKER_STOP_GRACE);
    sockets.delete();
    awaitRequestsDrained(Duration.ofSeconds(1));
    pipeline.close();
    buffers.close();
    events.emit(Event.SERVER_STOP, "activeRequests", pipeline.activeRequests());
    if (control != null) {
      control.close();
    }
    stopped.countDown();
  }

  @Override
  public boolean isRunning() {
    return (listener != null || httpsListener != null) && stopped.getCount() > 0;
  }

  private void awaitRequestsDrained(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (pipeline.activeRequests() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void startSafetyNet(Duration after) {
    Thread net =
        new Thread(
            () -> {
              try {
                Thread.sleep(after.toMillis());
              } catch (InterruptedException e) {
                return;
              }
              System.err.println(
                  "edge: shutdown did not finish within " + after.toMillis() + " ms; forcing exit");
              Runtime.getRuntime().halt(1);
            },
            "edge-shutdown-safety-net");
    net.setDaemon(true);
    net.start();
  }

  private void awaitStop() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
