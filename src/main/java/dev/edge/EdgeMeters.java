package dev.edge;

import dev.edge.observe.EdgeEvents;
import dev.edge.observe.EdgeEvents.Event;
import dev.edge.observe.EdgeMetrics;
import dev.edge.pool.PoolSnapshot;
import dev.edge.pool.WorkerSlot;
import dev.edge.runtime.AppRuntime;
import dev.edge.runtime.ConfigReloader;
import dev.edge.tls.ServedCertificate;
import dev.edge.tls.TlsCertificates;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The edge's meters that read live state rather than count events: the per-app pool gauges, kept to
 * the active config's apps across reloads, and the per-worker in-flight and per-name certificate
 * expiry gauges, refreshed when a scrape asks for them. Wiring only: nothing here is on the request
 * path.
 */
final class EdgeMeters {

  private EdgeMeters() {}

  /**
   * Registers the per-app queue, in-flight and ready gauges for the active config's apps now and
   * again after every applied reload, and counts the events {@link EdgeMetrics} counts.
   */
  static void followApps(EdgeMetrics metrics, ConfigReloader reloader, EdgeEvents events) {
    Runnable sync =
        () ->
            metrics.syncApps(
                reloader.active().apps().keySet(),
                gauge -> {
                  AppRuntime app = reloader.active().apps().get(gauge.app());
                  if (app == null) {
                    return 0;
                  }
                  PoolSnapshot pool = app.pool().snapshot();
                  return switch (gauge.what()) {
                    case EdgeMetrics.QUEUE_DEPTH -> pool.queueDepth();
                    case EdgeMetrics.INFLIGHT -> pool.inflight();
                    default -> pool.ready();
                  };
                });
    sync.run();
    events.subscribe(
        (event, fields) -> {
          metrics.onEvent(
              event, EdgeEvents.field(fields, "app"), EdgeEvents.field(fields, "result"));
          if (event == Event.CONFIG_APPLIED) {
            sync.run();
          }
        });
  }

  /**
   * Registers the per-worker in-flight and the certificate expiry gauges and returns what refreshes
   * them, run before each scrape ({@code certificates} null when HTTPS is off).
   */
  static Runnable scrapeTimeGauges(
      MeterRegistry registry, ConfigReloader reloader, TlsCertificates certificates) {
    MultiGauge workerInflight =
        MultiGauge.builder(EdgeMetrics.INFLIGHT + ".worker")
            .description("Requests being served by each worker now")
            .register(registry);
    MultiGauge certificateExpiry =
        MultiGauge.builder("edge.tls.certificate.expiry")
            .description("Seconds until each name's certificate expires")
            .baseUnit("seconds")
            .register(registry);
    return () -> {
      workerGauges(reloader, workerInflight);
      certificateGauges(certificates, certificateExpiry);
    };
  }

  /** Refreshes the certificate expiry gauge from the certificates served now. */
  private static void certificateGauges(TlsCertificates certificates, MultiGauge gauge) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    if (certificates != null) {
      Instant now = Instant.now();
      for (ServedCertificate certificate : certificates.certificates()) {
        double seconds = Duration.between(now, certificate.notAfter()).toSeconds();
        for (String name : certificate.names()) {
          rows.add(MultiGauge.Row.of(Tags.of("domain", name), seconds));
        }
      }
    }
    gauge.register(rows, true);
  }

  /** Refreshes the per-worker in-flight gauge from the active pools. */
  private static void workerGauges(ConfigReloader reloader, MultiGauge gauge) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (AppRuntime app : reloader.active().apps().values()) {
      for (WorkerSlot worker : app.pool().workers()) {
        rows.add(
            MultiGauge.Row.of(
                Tags.of("app", app.app().id(), "worker", Long.toString(worker.id())),
                worker.inflight()));
      }
    }
    gauge.register(rows, true);
  }
}
