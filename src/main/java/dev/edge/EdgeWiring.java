package dev.edge;

import dev.edge.config.EdgeOptions;
import dev.edge.control.AdminAccess;
import dev.edge.control.ControlEndpoint;
import dev.edge.guard.GuardLimits;
import dev.edge.guard.RejectionCounter;
import dev.edge.guard.RequestGuard;
import dev.edge.observe.EdgeEvents;
import dev.edge.observe.EdgeEvents.Event;
import dev.edge.observe.StatusEndpoint;
import dev.edge.proxy.UpstreamHealth;
import dev.edge.proxy.UpstreamProxy;
import dev.edge.proxy.WorkerForwarder;
import dev.edge.runtime.AppRuntime;
import dev.edge.runtime.AppServices;
import dev.edge.runtime.ConfigReloader;
import dev.edge.runtime.ConfigSource;
import dev.edge.runtime.ConfigStatus;
import dev.edge.runtime.LoadedConfig;
import dev.edge.statics.StaticFiles;
import dev.edge.worker.SocketDirectory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * The composition root: builds every component explicitly, in the order the request path uses them.
 * Nothing else in the edge is a Spring bean.
 */
@Configuration(proxyBeanMethods = false)
public class EdgeWiring {

  /** How long a failing external upstream is skipped. */
  static final Duration UPSTREAM_COOL_DOWN = Duration.ofSeconds(10);

  /** The edge: listener, request path, the active config and its apps' supervised workers. */
  @Bean
  EdgeServer edgeServer(
      EdgeOptions options,
      ConfigSource source,
      LoadedConfig initial,
      @Value("${edge.version:dev}") String version,
      @Value("${edge.guard.header-timeout-ms:10000}") long headerTimeoutMs) {
    Instant startedAt = Instant.now();
    JsonMapper json = JsonMapper.builder().build();
    EdgeEvents events = new EdgeEvents(options.jsonLogging(), System.out);
    SocketDirectory sockets =
        SocketDirectory.create(
            options.socketDir(),
            (stale, killed) ->
                events.emit(Event.STALE_CLEANUP, "directory", stale, "killedWorkers", killed));
    ConfigReloader reloader =
        new ConfigReloader(
            source,
            options.supervision(),
            new AppServices(sockets, options.cacheDir(), events),
            EdgeServer.WORKER_STOP_GRACE);
    reloader.prepareInitial(initial);
    AtomicReference<EdgeServer> server = new AtomicReference<>();
    StatusEndpoint status =
        new StatusEndpoint(
            json,
            version,
            startedAt,
            () -> server.get().httpPort(),
            () -> reloader.active().apps().values().stream().map(AppRuntime::pool).toList(),
            () -> ConfigStatus.describe(reloader));
    RequestGuard guard =
        new RequestGuard(
            GuardLimits.defaults().withHeaderTimeout(Duration.ofMillis(headerTimeoutMs)),
            new RejectionCounter());
    EdgePipeline pipeline =
        new EdgePipeline(
            reloader::active,
            new WorkerForwarder(),
            new UpstreamProxy(new UpstreamHealth(Clock.systemUTC(), UPSTREAM_COOL_DOWN)),
            new StaticFiles(Schedulers.boundedElastic()),
            status,
            new ControlEndpoint(reloader, new AdminAccess(options.adminToken()), json),
            new ErrorResponder(json),
            guard);
    server.set(new EdgeServer(options, pipeline, guard, reloader, sockets, events, System.out));
    return server.get();
  }
}
