package dev.edge.it;

import dev.edge.ErrorResponder;
import dev.edge.observe.DashboardEndpoint;
import dev.edge.route.RequestPaths;
import dev.edge.sdk.EdgeWorker;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stands in for the edge until {@code /diagnostics} exists on this branch: an in-process Reactor
 * Netty server on a free loopback port that serves the dashboard through the real {@link
 * DashboardEndpoint} and a {@code /diagnostics} in the edge's format whose counters grow on every
 * call, so the page has rates and latencies to chart. Two apps: {@code web} (2 workers, both READY)
 * and {@code api} (3 workers, 2 READY, 1 starting).
 */
final class DiagnosticsStub implements AutoCloseable {

  /** What {@code /diagnostics} answers. */
  enum Mode {
    /** The document, with growing counters, and no {@code realtime} section. */
    HEALTHY,
    /**
     * As {@link #HEALTHY}, plus a {@code realtime} section: 3 clients in 2 channels, messages and
     * deliveries growing, {@code dropped} and {@code eventFailures} growing on every call, the
     * other counts steady.
     */
    REALTIME,
    /** {@code 403}, as the edge answers a client its access rule refuses. */
    FORBIDDEN
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final long UPTIME_AT_START = 4 * 3600 + 17 * 60;
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-zA-Z0-9]+)}");

  private final AtomicInteger calls = new AtomicInteger();
  private final Mode mode;
  private final DisposableServer server;
  private long webRequests = 1200;
  private long apiRequests = 310;

  DiagnosticsStub(Mode mode) {
    this.mode = mode;
    DashboardEndpoint dashboard = new DashboardEndpoint();
    ErrorResponder errors = new ErrorResponder();
    server =
        EdgeWorker.keepReading(HttpServer.create())
            .host("127.0.0.1")
            .port(0)
            .handle(
                (req, res) -> {
                  String path = RequestPaths.pathOf(req.uri());
                  Mono<Void> answer;
                  if (DashboardEndpoint.owns(path)) {
                    answer = dashboard.serve(path, req, res);
                  } else if (path.equals("/diagnostics") && mode == Mode.FORBIDDEN) {
                    calls.incrementAndGet();
                    answer = res.status(403).send();
                  } else if (path.equals("/diagnostics")) {
                    answer =
                        res.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                            .header(HttpHeaderNames.CACHE_CONTROL, "no-store")
                            .sendString(Mono.fromSupplier(this::nextDocument))
                            .then();
                  } else {
                    answer = res.status(404).send();
                  }
                  return answer.onErrorResume(e -> errors.respond(e, req, res, "req-stub"));
                })
            .bindNow();
  }

  /** {@code http://127.0.0.1:<port><path>}. */
  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  /** How many times {@code /diagnostics} was asked for. */
  int calls() {
    return calls.get();
  }

  /**
   * The document of the edge's {@code /diagnostics}: {@code {name}} placeholders are filled in by
   * {@link #nextDocument}.
   */
  private static final String TEMPLATE =
      """
      {"status":"healthy","version":{"server":"0.1.0"},"uptime":{uptime},
       "config":{"version":"1a2b3c4d5e6f","source":"/etc/edge/Edgefile",
                 "activatedAt":"2026-11-22T02:00:00Z","apps":2,"sites":1,"routes":3,
                 "lastAttempt":null},
       "apps":[
        {"id":"web","workers":2,"ready":2,"inflight":{webInflight},"queueDepth":0,
         "degraded":false,"requests":{webRequests},
         "latency":{"p50":{webP50},"p95":0.004,"p99":{webP99}},
         "queueWait":{"p50":0,"p95":0.001,"p99":0.002},
         "workerTable":[
          {"id":1,"pid":4242,"generation":1,"state":"ready","inflight":1,"handled":{web1},
           "lastUsed":"{now}","uptime":{uptime},"restarts":0,"rss":52428800},
          {"id":2,"pid":4243,"generation":1,"state":"ready","inflight":{web2Inflight},
           "handled":{web2},"lastUsed":"{now}","uptime":{uptime},"restarts":0,"rss":55574528}]},
        {"id":"api","workers":3,"ready":2,"inflight":3,"queueDepth":{apiQueue},
         "degraded":false,"requests":{apiRequests},
         "latency":{"p50":{apiP50},"p95":0.012,"p99":{apiP99}},
         "queueWait":{"p50":0,"p95":0.001,"p99":0.002},
         "workerTable":[
          {"id":4,"pid":5101,"generation":2,"state":"ready","inflight":2,"handled":{api4},
           "lastUsed":"{now}","uptime":1800,"restarts":1,"rss":73400320},
          {"id":5,"pid":5102,"generation":2,"state":"ready","inflight":1,"handled":{api5},
           "lastUsed":"{now}","uptime":1800,"restarts":0,"rss":70254592},
          {"id":6,"pid":5230,"generation":2,"state":"starting","inflight":0,"handled":0,
           "lastUsed":null,"uptime":1,"restarts":0,"rss":null}]}],
       "metrics":{"requests":{total},"responses":{"2xx":{ok},"4xx":8,"5xx":2},
                  "latency":{"p50":0.0016,"p95":0.005,"p99":{totalP99}},
                  "queue":{"queued":{queued},"timeouts":1,"shed":0},
                  "queueWait":{"p50":0,"p95":0.001,"p99":0.002},
                  "workers":{"restarts":1},"rejected":{"bad_framing":1},"rateLimited":0},
       "gauges":{"workersActive":5,"inflight":{inflight},"queueDepth":{apiQueue},"connections":7},
       "hosts":["example.com","*.example.com"]}
      """;

  /** The next document: as if 2 s later, with more requests and wavy latencies. */
  private synchronized String nextDocument() {
    int k = calls.incrementAndGet();
    webRequests += 70 + Math.round(30 * Math.sin(k / 3.0));
    apiRequests += 18 + Math.round(8 * Math.cos(k / 4.0));
    Map<String, Object> values = new HashMap<>();
    values.put("uptime", UPTIME_AT_START + 2L * k);
    values.put("now", Instant.now().truncatedTo(ChronoUnit.SECONDS));
    values.put("webInflight", 1 + k % 2);
    values.put("web2Inflight", k % 2);
    values.put("webRequests", webRequests);
    values.put("webP50", 0.0012 + 0.0004 * Math.sin(k / 2.0));
    values.put("webP99", 0.009 + 0.003 * Math.cos(k / 3.0));
    values.put("web1", webRequests / 2);
    values.put("web2", webRequests - webRequests / 2);
    values.put("apiQueue", k % 4);
    values.put("apiRequests", apiRequests);
    values.put("apiP50", 0.0041 + 0.0006 * Math.cos(k / 2.5));
    values.put("apiP99", 0.021 + 0.006 * Math.sin(k / 4.0));
    values.put("api4", apiRequests / 2);
    values.put("api5", apiRequests - apiRequests / 2);
    values.put("total", webRequests + apiRequests);
    values.put("ok", webRequests + apiRequests - 10);
    values.put("totalP99", 0.012 + 0.002 * Math.sin(k / 3.0));
    values.put("queued", 30 + k);
    values.put("inflight", 4 + k % 2);
    Matcher placeholder = PLACEHOLDER.matcher(TEMPLATE);
    String json =
        placeholder.replaceAll(
            m -> {
              Object value = values.get(m.group(1));
              if (value == null) {
                throw new IllegalStateException("no value for " + m.group());
              }
              return Matcher.quoteReplacement(String.valueOf(value));
            });
    ObjectNode doc = (ObjectNode) JSON.readTree(json);
    if (mode == Mode.REALTIME) {
      doc.putObject("realtime")
          .put("clients", 3)
          .put("groups", 2)
          .put("deliveries", 90L * k)
          .put("messages", 30L * k)
          .put("connections", 11)
          .put("published", 1234)
          .put("dropped", k)
          .put("slowConsumers", 1)
          .put("eventFailures", 2L * k);
    }
    return doc.toString();
  }

  @Override
  public void close() {
    server.disposeNow();
  }
}
