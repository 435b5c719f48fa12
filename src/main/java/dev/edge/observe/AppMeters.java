package dev.edge.observe;

import dev.edge.observe.EdgeMetrics.AppGauge;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/** The meters of one app (see {@link EdgeMetrics} for their names and meaning). */
final class AppMeters {

  final Timer duration;
  final Timer workerDuration;
  final Timer queueWait;
  final Counter queued;
  final Counter shed;
  final Counter timeouts;
  final LongAdder requests = new LongAdder();
  final LatencyWindow latency = new LatencyWindow();
  final LatencyWindow queueWaitWindow = new LatencyWindow();
  private final String app;
  private final List<Meter> gauges = new ArrayList<>();

  AppMeters(MeterRegistry registry, String app) {
    this.app = app;
    duration =
        EdgeMetrics.timer(
            registry, EdgeMetrics.REQUEST_DURATION, app, "Request time, arrival to response end");
    workerDuration =
        EdgeMetrics.timer(
            registry, EdgeMetrics.WORKER_DURATION, app, "Time to the worker's response headers");
    queueWait =
        EdgeMetrics.timer(
            registry, EdgeMetrics.QUEUE_WAIT, app, "Time waited in the queue, by those that did");
    queued = counter(registry, EdgeMetrics.QUEUE_QUEUED, "Requests that waited in the queue");
    shed = counter(registry, EdgeMetrics.QUEUE_SHED, "Requests refused: queue full");
    timeouts = counter(registry, EdgeMetrics.QUEUE_TIMEOUTS, "Requests past the queue timeout");
  }

  private Counter counter(MeterRegistry registry, String name, String description) {
    return Counter.builder(name).description(description).tag("app", app).register(registry);
  }

  /** Registers the app's gauges (once). */
  synchronized void gauges(MeterRegistry registry, ToDoubleFunction<AppGauge> state) {
    if (!gauges.isEmpty()) {
      return;
    }
    for (String name :
        List.of(EdgeMetrics.QUEUE_DEPTH, EdgeMetrics.INFLIGHT, EdgeMetrics.WORKERS_READY)) {
      gauges.add(
          Gauge.builder(name, new AppGauge(app, name), state)
              .description(EdgeMetrics.describe(name))
              .tag("app", app)
              .strongReference(true)
              .register(registry));
    }
  }

  /** Removes the app's gauges (the app left the config). */
  synchronized void removeGauges(MeterRegistry registry) {
    gauges.forEach(registry::remove);
    gauges.clear();
  }
}
