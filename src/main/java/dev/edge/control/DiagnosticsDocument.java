package dev.edge.control;

import dev.edge.observe.EdgeMetrics;
import dev.edge.observe.LatencyWindow.Percentiles;
import dev.edge.pool.PoolSnapshot;
import dev.edge.runtime.ActiveConfig;
import dev.edge.runtime.AppRuntime;
import dev.edge.runtime.ConfigReloader;
import dev.edge.runtime.ConfigStatus;
import dev.edge.worker.WorkerRow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The {@code /diagnostics} document, the one producer of it: the main listener's {@code GET
 * /diagnostics} ({@link DiagnosticsEndpoint}) and the management listener's {@code GET
 * /actuator/diagnostics} both answer with what {@link #document()} builds. rip-server's fields
 * ({@code status, version, uptime, apps, metrics.requests, metrics.responses{2xx,4xx,5xx},
 * metrics.latency{p50,p95,p99}} in seconds, {@code metrics.queue{queued,timeouts,shed},
 * metrics.workers{restarts}, gauges, hosts}) plus what rip lacks: queue-wait percentiles, per-app
 * latency percentiles, rejections by reason, and a per-worker table like {@code passenger-status}.
 * The worker tables are read on each app's spawner thread (they read {@code /proc}), never on an
 * event loop.
 */
public final class DiagnosticsDocument {

  private final ConfigReloader reloader;
  private final EdgeMetrics metrics;
  private final String version;
  private final Instant startedAt;
  private final Supplier<Map<String, Object>> tls;
  private final Supplier<Map<String, Object>> acme;
  private final Supplier<Map<String, Object>> realtime;
  private final Supplier<Map<String, Object>> memory;

  /**
   * Wires the document.
   *
   * @param tls the {@code tls} section (certificates served now, handshake failures), or null when
   *     HTTPS is off
   * @param acme rip's {@code metrics.acme} counts ({@code obtained, renewals, failures})
   * @param realtime the {@code realtime} section (the hub's statistics)
   * @param memory the {@code memory} section (heap now, the idle release's setting and count)
   */
  public DiagnosticsDocument(
      ConfigReloader reloader,
      EdgeMetrics metrics,
      String version,
      Instant startedAt,
      Supplier<Map<String, Object>> tls,
      Supplier<Map<String, Object>> acme,
      Supplier<Map<String, Object>> realtime,
      Supplier<Map<String, Object>> memory) {
    this.reloader = reloader;
    this.metrics = metrics;
    this.version = version;
    this.startedAt = startedAt;
    this.tls = tls;
    this.acme = acme;
    this.realtime = realtime;
    this.memory = memory;
  }

  /** The document, once every app's worker table is read. */
  public CompletableFuture<Map<String, Object>> document() {
    ActiveConfig active = reloader.active();
    List<AppRuntime> runtimes = List.copyOf(active.apps().values());
    List<CompletableFuture<List<WorkerRow>>> tables = new ArrayList<>();
    for (AppRuntime runtime : runtimes) {
      tables.add(runtime.supervisor().workerTable());
    }
    return CompletableFuture.allOf(tables.toArray(CompletableFuture[]::new))
        .thenApply(done -> build(active, runtimes, tables));
  }

  private Map<String, Object> build(
      ActiveConfig active,
      List<AppRuntime> runtimes,
      List<CompletableFuture<List<WorkerRow>>> tables) {
    List<Map<String, Object>> apps = new ArrayList<>();
    boolean healthy = true;
    int ready = 0;
    int inflight = 0;
    int queueDepth = 0;
    for (int i = 0; i < runtimes.size(); i++) {
      AppRuntime runtime = runtimes.get(i);
      PoolSnapshot pool = runtime.pool().snapshot();
      boolean degraded = pool.degraded();
      healthy &= !degraded;
      ready += pool.ready();
      inflight += pool.inflight();
      queueDepth += pool.queueDepth();
      EdgeMetrics.AppTotals totals = metrics.appTotals(pool.appId());
      Map<String, Object> app = new LinkedHashMap<>();
      app.put("id", pool.appId());
      app.put("workers", pool.workers());
      app.put("ready", pool.ready());
      app.put("inflight", pool.inflight());
      app.put("queueDepth", pool.queueDepth());
      app.put("degraded", degraded);
      app.put("requests", totals.requests());
      app.put("latency", percentiles(totals.latency()));
      app.put("queueWait", percentiles(totals.queueWait()));
      app.put("workerTable", workerRows(tables.get(i).join()));
      apps.add(app);
    }
    EdgeMetrics.Totals totals = metrics.totals();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("status", healthy ? "healthy" : "degraded");
    doc.put("version", Map.of("server", version));
    doc.put("uptime", Duration.between(startedAt, Instant.now()).toSeconds());
    doc.put("config", ConfigStatus.describe(reloader));
    doc.put("apps", apps);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requests", totals.requests());
    m.put(
        "responses",
        ordered(
            "2xx",
            totals.responses2xx(),
            "4xx",
            totals.responses4xx(),
            "5xx",
            totals.responses5xx()));
    m.put("latency", percentiles(totals.latency()));
    m.put(
        "queue",
        ordered("queued", totals.queued(), "timeouts", totals.timeouts(), "shed", totals.shed()));
    m.put("queueWait", percentiles(totals.queueWait()));
    m.put("workers", Map.of("restarts", totals.workerRestarts()));
    m.put("rejected", metrics.rejections());
    m.put("rateLimited", metrics.rateLimited());
    m.put("acme", acme.get());
    doc.put("metrics", m);
    Map<String, Object> gauges = new LinkedHashMap<>();
    gauges.put("workersActive", ready);
    gauges.put("inflight", inflight);
    gauges.put("queueDepth", queueDepth);
    gauges.put("connections", totals.connections());
    doc.put("gauges", gauges);
    List<String> hosts = new ArrayList<>();
    active.config().sites().values().forEach(site -> hosts.addAll(site.hosts()));
    doc.put("hosts", hosts);
    doc.put("realtime", realtime.get());
    doc.put("memory", memory.get());
    if (tls != null) {
      doc.put("tls", tls.get());
    }
    return doc;
  }

  /**
   * The worker table as JSON rows: id, pid, generation, state, inflight, handled, lastUsed, uptime,
   * restarts, rss.
   */
  public static List<Map<String, Object>> workerRows(List<WorkerRow> table) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (WorkerRow row : table) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("id", row.id());
      r.put("pid", row.pid());
      r.put("generation", row.generation());
      r.put("state", row.state());
      r.put("inflight", row.inflight());
      r.put("handled", row.handled());
      r.put(
          "lastUsed",
          row.lastUsedMillis() == 0 ? null : Instant.ofEpochMilli(row.lastUsedMillis()).toString());
      r.put("uptime", row.uptimeSeconds());
      r.put("restarts", row.restarts());
      r.put("rss", row.rssBytes() < 0 ? null : row.rssBytes());
      rows.add(r);
    }
    return rows;
  }

  private static Map<String, Object> percentiles(Percentiles p) {
    return ordered("p50", p.p50(), "p95", p.p95(), "p99", p.p99());
  }

  private static Map<String, Object> ordered(Object... pairs) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      map.put((String) pairs[i], pairs[i + 1]);
    }
    return map;
  }
}
