package dev.edge.observe;

import dev.edge.pool.AppPool;
import dev.edge.pool.PoolSnapshot;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * The built-in endpoints: {@code /server} (a load-balancer probe answering {@code ok}) and {@code
 * /status}: {@code {status, version, uptime, ports, apps:[{id, workers, ready, inflight,
 * queueDepth}]}}. {@code status} is {@code healthy} when every app has at least one READY worker
 * and no abandoned worker slot, {@code degraded} otherwise.
 */
public final class StatusEndpoint {

  private final JsonMapper json;
  private final String version;
  private final Instant startedAt;
  private final IntSupplier httpPort;
  private final List<AppPool> pools;

  /**
   * @param json the JSON writer
   * @param version the edge's version
   * @param startedAt when the edge started
   * @param httpPort the bound HTTP port (known only once the listener is up)
   * @param pools every app's pool
   */
  public StatusEndpoint(
      JsonMapper json,
      String version,
      Instant startedAt,
      IntSupplier httpPort,
      List<AppPool> pools) {
    this.json = json;
    this.version = version;
    this.startedAt = startedAt;
    this.httpPort = httpPort;
    this.pools = List.copyOf(pools);
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

  Map<String, Object> document() {
    List<Map<String, Object>> apps = new ArrayList<>();
    boolean healthy = true;
    for (AppPool pool : pools) {
      PoolSnapshot snapshot = pool.snapshot();
      healthy &= snapshot.ready() > 0 && snapshot.abandoned() == 0;
      Map<String, Object> app = new LinkedHashMap<>();
      app.put("id", snapshot.appId());
      app.put("workers", snapshot.workers());
      app.put("ready", snapshot.ready());
      app.put("inflight", snapshot.inflight());
      app.put("queueDepth", snapshot.queueDepth());
      apps.add(app);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("status", healthy ? "healthy" : "degraded");
    doc.put("version", version);
    doc.put("uptime", Duration.between(startedAt, Instant.now()).toSeconds());
    doc.put("ports", Map.of("http", httpPort.getAsInt()));
    doc.put("apps", apps);
    return doc;
  }
}
