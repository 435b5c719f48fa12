package dev.edge;

import dev.edge.acme.AcmeRenewals;
import dev.edge.acme.AcmeSetup;
import dev.edge.buffer.BufferDirectory;
import dev.edge.config.EdgeOptions;
import dev.edge.config.Https;
import dev.edge.config.OptionException;
import dev.edge.control.AdminAccess;
import dev.edge.control.ControlEndpoint;
import dev.edge.control.ControlOperations;
import dev.edge.control.ControlSocket;
import dev.edge.control.DiagnosticsDocument;
import dev.edge.control.DiagnosticsEndpoint;
import dev.edge.control.MetricsEndpoint;
import dev.edge.guard.RejectionCounter;
import dev.edge.guard.RequestGuard;
import dev.edge.hub.LocalHubState;
import dev.edge.hub.RealtimeHub;
import dev.edge.mdns.MdnsAdvertiser;
import dev.edge.memory.IdleMemoryRelease;
import dev.edge.observe.AccessLog;
import dev.edge.observe.DashboardEndpoint;
import dev.edge.observe.EdgeEvents;
import dev.edge.observe.EdgeEvents.Event;
import dev.edge.observe.EdgeMetrics;
import dev.edge.observe.Exchange;
import dev.edge.observe.StatusEndpoint;
import dev.edge.proxy.RequestBuffers;
import dev.edge.proxy.ResponseBuffers;
import dev.edge.proxy.UpstreamHealth;
import dev.edge.proxy.UpstreamProxy;
import dev.edge.proxy.WorkerForwarder;
import dev.edge.ratelimit.RateLimit;
import dev.edge.ratelimit.RateLimiter;
import dev.edge.runtime.AppRuntime;
import dev.edge.runtime.AppServices;
import dev.edge.runtime.ConfigReloader;
import dev.edge.runtime.ConfigSource;
import dev.edge.runtime.ConfigStatus;
import dev.edge.runtime.LoadedConfig;
import dev.edge.statics.StaticFiles;
import dev.edge.tls.HandshakeFailures;
import dev.edge.tls.HttpsListener;
import dev.edge.tls.HttpsRedirects;
import dev.edge.tls.TlsCertificates;
import dev.edge.worker.AppWatcher;
import dev.edge.worker.SocketDirectory;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * The composition root: builds every component explicitly, in the order the request path uses them.
 * Its beans are the {@link EdgeParts} and the {@link EdgeServer} among them; nothing else in the
 * edge is a Spring bean (the Prometheus registry comes from Spring Boot Actuator's
 * auto-configuration), except, with {@code --management-port}, the management listener's adapters
 * over those parts ({@code manage.ManagementConfiguration}).
 */
@Configuration(proxyBeanMethods = false)
public class EdgeWiring {

  /** How long a failing external upstream is skipped. */
  static final Duration UPSTREAM_COOL_DOWN = Duration.ofSeconds(10);

  /** The edge, whose lifecycle Spring runs. */
  @Bean
  EdgeServer edgeServer(EdgeParts parts) {
    return parts.server();
  }

  /** The edge: listener, request path, the active config and its apps' supervised workers. */
  @Bean
  EdgeParts edgeParts(
      EdgeOptions options,
      ConfigSource source,
      LoadedConfig initial,
      PrometheusMeterRegistry registry,
      @Value("${edge.version:dev}") String version) {
    Instant startedAt = Instant.now();
    JsonMapper json = JsonMapper.builder().build();
    EdgeEvents events = new EdgeEvents(options.jsonLogging(), System.out);
    EdgeMetrics metrics = new EdgeMetrics(registry);
    IdleMemoryRelease memory =
        IdleMemoryRelease.start(options.memory(), () -> metrics.totals().requests());
    SocketDirectory sockets =
        SocketDirectory.create(
            options.socketDir(),
            (stale, killed) ->
                events.emit(Event.STALE_CLEANUP, "directory", stale, "killedWorkers", killed));
    BufferDirectory buffers =
        BufferDirectory.open(
            options.buffering().directory(),
            (stale, files) ->
                events.emit(Event.STALE_CLEANUP, "directory", stale, "removedFiles", files));
    ConfigReloader reloader =
        new ConfigReloader(
            source,
            options.supervision(),
            new AppServices(sockets, options.cacheDir(), events),
            EdgeServer.WORKER_STOP_GRACE);
    reloader.prepareInitial(initial);
    if (options.metrics()) {
      EdgeMeters.followApps(metrics, reloader, events);
    }
    TlsCertificates certificates = startTls(options, reloader, events);
    AcmeRenewals renewals =
        AcmeSetup.start(options, certificates, () -> reloader.active().config(), events);
    HandshakeFailures handshakeFailures =
        new HandshakeFailures(options.metrics() ? registry : null);
    if (options.metrics()) {
      AcmeSetup.countOrders(registry, events);
    }
    AtomicReference<EdgeServer> server = new AtomicReference<>();
    StatusEndpoint status =
        new StatusEndpoint(
            json,
            version,
            startedAt,
            () -> server.get().httpPort(),
            () -> server.get().httpsPort(),
            () -> reloader.active().apps().values().stream().map(AppRuntime::pool).toList(),
            () -> ConfigStatus.describe(reloader));
    AdminAccess access = new AdminAccess(options.adminToken());
    RejectionCounter rejections =
        options.metrics()
            ? new RejectionCounter(reason -> metrics.rejected(Exchange.NONE, reason.code()))
            : new RejectionCounter();
    RequestGuard guard = new RequestGuard(options.guard(), rejections);
    HttpsRedirects redirects =
        certificates == null || !options.https().redirectHttp()
            ? null
            : new HttpsRedirects(certificates, () -> server.get().httpsPort());
    if (redirects != null) {
      redirects.configure(reloader.active().config());
      events.subscribe(
          (event, fields) -> {
            if (event == Event.CONFIG_APPLIED) {
              redirects.configure(reloader.active().config());
            }
          });
    }
    RequestPlanner planner =
        new RequestPlanner(
            reloader::active,
            guard,
            options.rateLimit() == 0
                ? null
                : new RateLimiter(
                    new RateLimit(options.rateLimit(), options.rateLimitWindow()),
                    System::nanoTime),
            access,
            options.metrics(),
            redirects,
            certificates == null ? null : certificates.challenges(),
            options.realtime().path());
    ExchangeRecorder recorder =
        new ExchangeRecorder(
            options.metrics() ? metrics : null,
            options.accessLog() ? new AccessLog(options.jsonLogging(), System.out) : null);
    WorkerForwarder workers =
        new WorkerForwarder(
            new ResponseBuffers(
                buffers,
                options.buffering().responseMemoryBytes(),
                options.buffering().responseMaxBytes()));
    RealtimeHub realtime =
        new RealtimeHub(
            options.realtime(),
            new LocalHubState(),
            reloader::active,
            workers,
            recorder,
            access,
            events);
    if (options.metrics()) {
      realtime.register(registry);
    }
    realtime.configure(reloader.active().config());
    events.subscribe(
        (event, fields) -> {
          if (event == Event.SHUTDOWN_START) {
            realtime.hub().closeAll(1001, "the edge is shutting down");
          } else if (event == Event.CONFIG_APPLIED) {
            realtime.configure(reloader.active().config());
          }
        });
    advertiseOverMdns(options, reloader, events, server);
    ControlOperations operations =
        new ControlOperations(
            reloader,
            status,
            events,
            grace -> server.get().requestStop(grace),
            options.supervision().shutdownGrace());
    ControlEndpoint control = new ControlEndpoint(operations, access, json, renewals);
    events.subscribe(
        (event, fields) -> {
          if (event == Event.SHUTDOWN_START) { // followed streams end, so requests can drain
            memory.stop();
            events.log().close();
            reloader.active().apps().values().forEach(app -> app.supervisor().output().close());
          }
        });
    DiagnosticsDocument diagnostics =
        new DiagnosticsDocument(
            reloader,
            metrics,
            version,
            startedAt,
            certificates == null
                ? null
                : () -> {
                  Map<String, Object> tls = new java.util.LinkedHashMap<>();
                  tls.put("certificates", certificates.describe());
                  tls.put("handshakeFailures", handshakeFailures.counts());
                  return tls;
                },
            () -> AcmeSetup.totals(renewals),
            () -> realtime.hub().stats(),
            memory::describe);
    Runnable beforeScrape = EdgeMeters.scrapeTimeGauges(registry, reloader, certificates);
    EdgePipeline.BuiltIns builtIns =
        new EdgePipeline.BuiltIns(
            status,
            new DiagnosticsEndpoint(diagnostics, json),
            options.metrics() ? new MetricsEndpoint(registry, r -> beforeScrape.run()) : null,
            control,
            new DashboardEndpoint(),
            realtime);
    ErrorResponder errors = new ErrorResponder();
    EdgePipeline pipeline =
        new EdgePipeline(
            planner,
            workers,
            new UpstreamProxy(new UpstreamHealth(Clock.systemUTC(), UPSTREAM_COOL_DOWN)),
            new StaticFiles(Schedulers.boundedElastic()),
            builtIns,
            errors,
            recorder,
            new RequestBuffers(
                buffers, options.buffering().requestMemoryBytes(), options.guard().maxBodyBytes()));
    server.set(
        new EdgeServer(
            options,
            pipeline,
            clients ->
                new FastLane(planner, recorder, workers, errors, clients, options.fastLane()),
            guard,
            reloader,
            sockets,
            buffers,
            events,
            options.metrics() ? metrics : null,
            certificates == null
                ? null
                : new HttpsListener(
                    certificates, options.guard().maxHeaderBytes(), handshakeFailures),
            System.out));
    server.get().controlSocket(new ControlSocket(options.runDir(), control, errors, System.out));
    return new EdgeParts(
        server.get(), reloader, diagnostics, certificates, beforeScrape, operations);
  }

  /**
   * Loads the HTTPS certificates (null when HTTPS is off) and keeps them current: a config reload
   * re-reads the configured files and re-issues the dev certificate if the Edgefile's local names
   * changed; a change to {@code --cert} or {@code --key} reloads them. Both on their own thread.
   */
  private static TlsCertificates startTls(
      EdgeOptions options, ConfigReloader reloader, EdgeEvents events) {
    Https https = options.https();
    if (!https.enabled()) {
      return null;
    }
    TlsCertificates certificates =
        new TlsCertificates(https.certDir(), https.certFile(), https.keyFile(), events);
    try {
      certificates.start(reloader.active().config());
    } catch (IOException e) {
      throw new OptionException(
          (https.certFile() != null ? "--cert/--key: " : "--cert-dir: ") + e.getMessage());
    }
    ExecutorService reloads =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "edge-tls-reload");
              thread.setDaemon(true);
              return thread;
            });
    events.subscribe(
        (event, fields) -> {
          if (event == Event.CONFIG_APPLIED || event == Event.CONFIG_UNCHANGED) {
            reloads.execute(() -> certificates.reload(reloader.active().config(), "config_reload"));
          }
        });
    if (https.certFile() != null) {
      List<String> files = List.of(https.certFile().toString(), https.keyFile().toString());
      try {
        AppWatcher.start(
            files,
            options.supervision().watchDebounce(),
            () ->
                reloads.execute(
                    () -> certificates.reload(reloader.active().config(), "file_change")));
      } catch (IOException e) {
        throw new OptionException("--cert/--key: cannot watch for changes: " + e.getMessage());
      }
    }
    return certificates;
  }

  /**
   * mDNS advertisement, on its own thread: starts once the listeners are bound ({@code
   * server_start}), follows every reload (an unchanged one retries after a failure), and withdraws
   * with goodbyes when shutdown starts; the stopping edge waits for the goodbyes before {@code
   * server_stop} returns. With neither {@code --mdns} nor {@code edge: {mdns: true}} it does
   * nothing.
   */
  private static void advertiseOverMdns(
      EdgeOptions options,
      ConfigReloader reloader,
      EdgeEvents events,
      AtomicReference<EdgeServer> server) {
    MdnsAdvertiser mdns = new MdnsAdvertiser(options.mdns(), events, System.out);
    events.subscribe(
        (event, fields) -> {
          switch (event) {
            case SERVER_START ->
                mdns.start(
                    reloader.active().config(), server.get().httpPort(), server.get().httpsPort());
            case CONFIG_APPLIED, CONFIG_UNCHANGED -> mdns.update(reloader.active().config());
            case SHUTDOWN_START -> mdns.withdraw();
            case SERVER_STOP -> mdns.awaitWithdrawn(MdnsAdvertiser.WITHDRAW_LIMIT);
            default -> {}
          }
        });
  }

  /**
   * Leaves out the three JVM meters whose Prometheus names {@code promtool check metrics} rejects
   * (units in the name, a {@code _count} gauge); everything else Actuator binds is kept. A bean, so
   * Spring Boot applies it before any meter is registered.
   */
  @Bean
  MeterFilter promtoolCleanNames() {
    Set<String> rejected = Set.of("jvm.compilation.time", "process.cpu.time", "system.cpu.count");
    return MeterFilter.deny(id -> rejected.contains(id.getName()));
  }
}
