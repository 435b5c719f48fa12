package dev.edge.control;

import dev.edge.observe.EdgeMetrics;
import dev.edge.observe.LatencyWindow.Percentiles;
import dev.edge.pool.PoolSnapshot;
import dev.edge.runtime.ActiveConfig;
import dev.edge.runtime.AppRuntime;
import dev.edge.runtime.ConfigReloader;
import dev.edge.runtime.ConfigStatus;
import dev.edge.worker.WorkerRow;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /diagnostics}: rip-server's fields ({@code status, version, uptime, apps,
 * metrics.requests, metrics.responses{2xx,4xx,5xx}, metrics.latency{p50,p95,p99}} in seconds,
 * {@code metrics.queue{queued,timeouts,shed}, metrics.workers{restarts}, gauges, hosts}) plus what
 * rip lacks: queue-wait percentiles, per-app latency percentiles, rejections by reason, and a
 * per-worker table like {@code passenger-status}. Built off the event loop (the worker table reads
 * {@code /proc}).
 */
public final class DiagnosticsEndpoint {

  private final ConfigReloader reloader;
  private final EdgeMetrics metrics;
  private final JsonMapper json;
  private final String version;
  private final Instant startedAt;
  private final Supplier<Map<String, Object>> tls;
  private final Supplier<Map<String, Object>> acme;
  private final Supplier<Map<String, Object>> realtime;

  /**
   * Wires the endpoint.
   *
   * @param tls the {@code tls} section (certificates served now, handshake failures), or null when
   *     HTTPS is off
   * @param acme rip's {@code metrics.acme} counts ({@code obtained, renewals, failures})
   * @param realtime the {@code realtime} section (the hub's statistics)
   */
  public DiagnosticsEndpoint(
      ConfigReloader reloader,
      EdgeMetrics metrics,
      JsonMapper json,
      String version,
      Instant startedAt,
      Supplier<Map<String, Object>> tls,
      Supplier<Map<String, Object>> acme,
      Supplier<Map<String, Object>> realtime) {
    this.reloader = reloader;
    this.metrics = metrics;
    this.json = json;
    this.version = version;
    this.startedAt = startedAt;
    this.tls = tls;
    this.acme = acme;
    this.realtime = realtime;
  }

  /** Answers with the document. */
  public Mono<Void> send(HttpServerResponse res) {
    return Mono.fromFuture(this::document)
        .publishOn(Schedulers.boundedElastic())
        .map(json::writeValueAsString)
        // Written from the connection's own event loop, as every other response is: a response
        // completed from another thread raced the next request on a kept-alive connection.
        .publishOn(Schedulers.fromExecutor(((Connection) res).channel().eventLoop()))
        .flatMap(
            body ->
                res.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                    .sendString(Mono.just(body))
                    .then());
  }

  /** The document, once every app's worker table is read. */
  CompletableFuture<Map<String, Object>> document() {
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
      app.put("workerTable", rows(tables.get(i).join()));
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
    if (tls != null) {
      doc.put("tls", tls.get());
    }
    return doc;
  }

  private static List<Map<String, Object>> rows(List<WorkerRow> table) {
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
