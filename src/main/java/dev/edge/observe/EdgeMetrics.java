package dev.edge.observe;

import dev.edge.observe.EdgeEvents.Event;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * Every meter the edge publishes, by name, in one place (Micrometer; Prometheus names replace the
 * dots with underscores and add {@code _total} / {@code _seconds}). The request path records into
 * it once per request ({@link #record}); lifecycle events arrive through {@link #onEvent}; gauges
 * read the live state when scraped. Meters are looked up once per key and cached, so recording is a
 * few map reads and adder increments.
 *
 * <p>Names reserved for later features follow the same scheme: {@code edge.websocket.*} and {@code
 * edge.acme.*}.
 */
public final class EdgeMetrics {

  /** Requests by app, route, method and status class ({@code 2xx}). */
  public static final String REQUESTS = "edge.requests";

  /** Edge-observed request time, arrival to response complete, by app. */
  public static final String REQUEST_DURATION = "edge.request.duration";

  /** Time from sending to a worker to its response headers, by app. */
  public static final String WORKER_DURATION = "edge.worker.duration";

  /** Time requests waited in an app's queue (those that waited), by app. */
  public static final String QUEUE_WAIT = "edge.queue.wait";

  /** Requests that entered the queue (got a worker later, or timed out), by app. */
  public static final String QUEUE_QUEUED = "edge.queue.queued";

  /** Requests refused because the queue was full, by app. */
  public static final String QUEUE_SHED = "edge.queue.shed";

  /** Requests that waited past the queue timeout, by app. */
  public static final String QUEUE_TIMEOUTS = "edge.queue.timeouts";

  /** Requests waiting for a worker now, by app. */
  public static final String QUEUE_DEPTH = "edge.queue.depth";

  /** Requests being served by workers now, by app (and by app and worker). */
  public static final String INFLIGHT = "edge.inflight";

  /** READY workers now, by app. */
  public static final String WORKERS_READY = "edge.workers.ready";

  /** Worker lifecycle counters, by app: {@code edge.worker.starts}, {@code .exits} and so on. */
  public static final String WORKER_EVENTS = "edge.worker.";

  /** Config reload attempts, by result. */
  public static final String CONFIG_RELOADS = "edge.config.reloads";

  /** Responses the edge generated itself (problem+json), by reason. */
  public static final String REJECTIONS = "edge.rejections";

  /** Requests refused by the rate limiter. */
  public static final String RATE_LIMITED = "edge.rate_limited";

  /** Open client connections now. */
  public static final String CONNECTIONS = "edge.connections.open";

  private static final String[] METHODS = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "OTHER"
  };
  private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

  private final MeterRegistry registry;
  private final Map<String, Map<String, Counter[]>> requestCounters = new ConcurrentHashMap<>();
  private final Map<String, AppMeters> apps = new ConcurrentHashMap<>();
  private final Map<String, Counter> other = new ConcurrentHashMap<>();
  private final LongAdder requests = new LongAdder();
  private final LongAdder[] statusTotals = new LongAdder[STATUS_CLASSES.length];
  private final LatencyWindow latency = new LatencyWindow();
  private final LatencyWindow queueWait = new LatencyWindow();
  private final AtomicLong connections = new AtomicLong();

  /** Creates the meters of the edge in {@code registry}. */
  public EdgeMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (int i = 0; i < statusTotals.length; i++) {
      statusTotals[i] = new LongAdder();
    }
    Gauge.builder(CONNECTIONS, connections, AtomicLong::get)
        .description("Open client connections")
        .register(registry);
  }

  /** The registry (for the Prometheus scrape). */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Records a finished request that took {@code total} nanoseconds. Called once per request on its
   * event loop.
   */
  public void record(Exchange exchange, String method, int status, long total) {
    String app = exchange.app();
    int statusClass = Math.max(1, Math.min(5, status / 100)) - 1;
    requests.increment();
    statusTotals[statusClass].increment();
    latency.record(total);
    requestCounter(app, exchange.route(), methodIndex(method), statusClass).increment();
    if (app.equals(Exchange.NONE)) {
      return;
    }
    AppMeters meters = app(app);
    meters.duration.record(total, TimeUnit.NANOSECONDS);
    meters.latency.record(total);
    if (exchange.workerNanos() >= 0) {
      meters.workerDuration.record(exchange.workerNanos(), TimeUnit.NANOSECONDS);
    }
    if (exchange.queueNanos() >= 0) {
      meters.requests.increment();
    }
    if (exchange.waited()) {
      meters.queued.increment();
      meters.queueWait.record(exchange.queueNanos(), TimeUnit.NANOSECONDS);
      meters.queueWaitWindow.record(exchange.queueNanos());
      queueWait.record(exchange.queueNanos());
    }
  }

  /** The edge answered a request itself with {@code reason} (a problem response). */
  public void rejected(String app, String reason) {
    counter(REJECTIONS, "reason", reason).increment();
    if (reason.equals("queue_full")) {
      app(app).shed.increment();
    } else if (reason.equals("queue_timeout")) {
      app(app).timeouts.increment();
      app(app).queued.increment();
    } else if (reason.equals("rate_limited")) {
      counter(RATE_LIMITED, null, null).increment();
    }
  }

  /** Counts worker lifecycle events and reload results. */
  public void onEvent(Event event, Object app, Object result) {
    switch (event) {
      case WORKER_START -> workerEvent("starts", app);
      case WORKER_EXIT -> workerEvent("exits", app);
      case WORKER_RESTART -> workerEvent("restarts", app);
      case WORKER_RECYCLE -> workerEvent("recycles", app);
      case WORKER_ABANDON -> workerEvent("abandons", app);
      case CONFIG_APPLIED, CONFIG_UNCHANGED, CONFIG_REJECTED, CONFIG_ROLLED_BACK ->
          counter(CONFIG_RELOADS, "result", String.valueOf(result)).increment();
      default -> {
        // not counted
      }
    }
  }

  /** A client connection opened; call {@link #connectionClosed()} when it closes. */
  public void connectionOpened() {
    connections.incrementAndGet();
  }

  /** A client connection closed. */
  public void connectionClosed() {
    connections.decrementAndGet();
  }

  /**
   * Keeps the per-app gauges in step with the apps of the active config: adds them for new apps
   * (reading {@code state} when scraped) and removes those of apps that are gone.
   */
  public void syncApps(Set<String> current, ToDoubleFunction<AppGauge> state) {
    for (String id : current) {
      app(id).gauges(registry, state);
    }
    for (Map.Entry<String, AppMeters> entry : apps.entrySet()) {
      if (!current.contains(entry.getKey())) {
        entry.getValue().removeGauges(registry);
      }
    }
  }

  /** The totals {@code /diagnostics} shows. */
  public Totals totals() {
    long queued = 0;
    long shed = 0;
    long timeouts = 0;
    for (AppMeters meters : apps.values()) {
      queued += (long) meters.queued.count();
      shed += (long) meters.shed.count();
      timeouts += (long) meters.timeouts.count();
    }
    return new Totals(
        requests.sum(),
        statusTotals[1].sum(),
        statusTotals[3].sum(),
        statusTotals[4].sum(),
        latency.percentiles(),
        queueWait.percentiles(),
        queued,
        shed,
        timeouts,
        workerEventCount("restarts"),
        connections.get());
  }

  /** Per-app request count and percentiles for {@code /diagnostics}. */
  public AppTotals appTotals(String app) {
    AppMeters meters = app(app);
    return new AppTotals(
        meters.requests.sum(), meters.latency.percentiles(), meters.queueWaitWindow.percentiles());
  }

  /** Counts of every rejection reason seen, for {@code /diagnostics}. */
  public Map<String, Long> rejections() {
    Map<String, Long> counts = new java.util.TreeMap<>();
    for (Meter meter : registry.find(REJECTIONS).meters()) {
      counts.put(meter.getId().getTag("reason"), (long) ((Counter) meter).count());
    }
    return counts;
  }

  /** Requests refused by the rate limiter so far. */
  public long rateLimited() {
    return (long) counter(RATE_LIMITED, null, null).count();
  }

  private long workerEventCount(String kind) {
    long sum = 0;
    for (Meter meter : registry.find(WORKER_EVENTS + kind).meters()) {
      sum += (long) ((Counter) meter).count();
    }
    return sum;
  }

  private void workerEvent(String kind, Object app) {
    counter(WORKER_EVENTS + kind, "app", String.valueOf(app)).increment();
  }

  private Counter counter(String name, String tag, String value) {
    String key = tag == null ? name : name + '\u0000' + value;
    return other.computeIfAbsent(
        key,
        k -> {
          Counter.Builder builder = Counter.builder(name).description(describe(name));
          return (tag == null ? builder : builder.tag(tag, value)).register(registry);
        });
  }

  /** The help text of a meter registered by name at run time. */
  static String describe(String name) {
    return switch (name) {
      case QUEUE_DEPTH -> "Requests waiting for a worker now";
      case INFLIGHT -> "Requests being served by the app's workers now";
      case WORKERS_READY -> "READY workers now";
      case CONFIG_RELOADS -> "Config reload attempts by result";
      case REJECTIONS -> "Responses the edge generated itself, by reason";
      case RATE_LIMITED -> "Requests refused by the rate limiter";
      default ->
          name.startsWith(WORKER_EVENTS)
              ? "Worker lifecycle events: " + name.substring(WORKER_EVENTS.length())
              : name;
    };
  }

  private Counter requestCounter(String app, String route, int method, int statusClass) {
    Map<String, Counter[]> byRoute = requestCounters.get(app);
    if (byRoute == null) {
      byRoute = requestCounters.computeIfAbsent(app, k -> new ConcurrentHashMap<>());
    }
    Counter[] counters = byRoute.get(route);
    if (counters == null) {
      counters =
          byRoute.computeIfAbsent(route, k -> new Counter[METHODS.length * STATUS_CLASSES.length]);
    }
    int index = method * STATUS_CLASSES.length + statusClass;
    Counter counter = counters[index];
    if (counter == null) {
      counter =
          Counter.builder(REQUESTS)
              .description("Requests by app, route, method and status class")
              .tag("app", app)
              .tag("route", route)
              .tag("method", METHODS[method])
              .tag("status", STATUS_CLASSES[statusClass])
              .register(registry);
      counters[index] = counter;
    }
    return counter;
  }

  private AppMeters app(String id) {
    return apps.computeIfAbsent(id, k -> new AppMeters(registry, k));
  }

  private static int methodIndex(String method) {
    for (int i = 0; i < METHODS.length - 1; i++) {
      if (METHODS[i].equals(method)) {
        return i;
      }
    }
    return METHODS.length - 1;
  }

  /** Histogram buckets between 100 µs and 60 s (the read timeout's range). */
  static Timer timer(MeterRegistry registry, String name, String app, String description) {
    return Timer.builder(name)
        .description(description)
        .tag("app", app)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(100_000))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry);
  }

  /**
   * What an app gauge reads.
   *
   * @param app the app
   * @param what {@link #QUEUE_DEPTH}, {@link #INFLIGHT} or {@link #WORKERS_READY}
   */
  public record AppGauge(String app, String what) {}

  /**
   * Edge-wide totals since start.
   *
   * @param requests every request handled
   * @param responses2xx 2xx responses
   * @param responses4xx 4xx responses
   * @param responses5xx 5xx responses
   * @param latency request latency percentiles (last samples)
   * @param queueWait queue wait percentiles (last samples of requests that waited)
   * @param queued requests that waited in a queue
   * @param shed requests shed with {@code queue_full}
   * @param timeouts requests that timed out in a queue
   * @param workerRestarts worker restarts
   * @param connections open client connections now
   */
  public record Totals(
      long requests,
      long responses2xx,
      long responses4xx,
      long responses5xx,
      LatencyWindow.Percentiles latency,
      LatencyWindow.Percentiles queueWait,
      long queued,
      long shed,
      long timeouts,
      long workerRestarts,
      long connections) {}

  /**
   * One app's totals.
   *
   * @param requests requests sent to its workers
   * @param latency request latency percentiles
   * @param queueWait queue wait percentiles
   */
  public record AppTotals(
      long requests, LatencyWindow.Percentiles latency, LatencyWindow.Percentiles queueWait) {}
}
