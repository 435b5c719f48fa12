package dev.edge.observe;

import dev.edge.pool.AppPool;
import dev.edge.pool.PoolSnapshot;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * The built-in endpoints: {@code /server} (a load-balancer probe answering {@code ok}) and {@code
 * /status}: {@code {status, version, uptime, ports, config, apps:[{id, workers, ready, inflight,
 * queueDepth, degraded}]}}. An app is degraded when it has no READY worker or an abandoned worker
 * slot; {@code status} is {@code healthy} when no app is degraded, {@code degraded} otherwise.
 */
public final class StatusEndpoint {

  private final JsonMapper json;
  private final String version;
  private final Instant startedAt;
  private final IntSupplier httpPort;
  private final IntSupplier httpsPort;
  private final Supplier<Collection<AppPool>> pools;
  private final Supplier<Map<String, Object>> config;

  /**
   * @param json the JSON writer
   * @param version the edge's version
   * @param startedAt when the edge started
   * @param httpPort the bound HTTP port (known only once the listener is up)
   * @param httpsPort the bound HTTPS port, or -1 when HTTPS is off
   * @param pools the pools of the apps of the active config
   * @param config the active config's version, source and last reload attempt
   */
  public StatusEndpoint(
      JsonMapper json,
      String version,
      Instant startedAt,
      IntSupplier httpPort,
      IntSupplier httpsPort,
      Supplier<Collection<AppPool>> pools,
      Supplier<Map<String, Object>> config) {
    this.json = json;
    this.version = version;
    this.startedAt = startedAt;
    this.httpPort = httpPort;
    this.httpsPort = httpsPort;
    this.pools = pools;
    this.config = config;
  }

  /** {@code 200 ok}, plain text. */
  public Mono<Void> server(HttpServerResponse res) {
    return res.header(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
        .sendString(Mono.just("ok"))
        .then();
  }

  /** The status document as JSON. */
  public Mono<Void> status(HttpServerResponse res) {
    return res.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
        .sendString(Mono.fromSupplier(() -> json.writeValueAsString(document())))
        .then();
  }

  /** The document {@code /status} answers with (also {@code /control/status}). */
  public Map<String, Object> document() {
    List<Map<String, Object>> apps = new ArrayList<>();
    boolean healthy = true;
    for (AppPool pool : pools.get()) {
      PoolSnapshot snapshot = pool.snapshot();
      boolean degraded = snapshot.degraded();
      healthy &= !degraded;
      Map<String, Object> app = new LinkedHashMap<>();
      app.put("id", snapshot.appId());
      app.put("workers", snapshot.workers());
      app.put("ready", snapshot.ready());
      app.put("inflight", snapshot.inflight());
      app.put("queueDepth", snapshot.queueDepth());
      app.put("degraded", degraded);
      apps.add(app);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("status", healthy ? "healthy" : "degraded");
    doc.put("version", version);
    doc.put("uptime", Duration.between(startedAt, Instant.now()).toSeconds());
    Map<String, Object> ports = new LinkedHashMap<>();
    if (httpPort.getAsInt() >= 0) {
      ports.put("http", httpPort.getAsInt());
    }
    if (httpsPort.getAsInt() >= 0) {
      ports.put("https", httpsPort.getAsInt());
    }
    doc.put("ports", ports);
    doc.put("config", config.get());
    doc.put("apps", apps);
    return doc;
  }
}
