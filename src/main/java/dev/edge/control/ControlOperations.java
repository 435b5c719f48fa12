package dev.edge.control;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import dev.edge.observe.EdgeEvents;
import dev.edge.observe.LoggedEvent;
import dev.edge.observe.SequencedRing;
import dev.edge.observe.SequencedRing.Delivery;
import dev.edge.observe.StatusEndpoint;
import dev.edge.pool.PoolSnapshot;
import dev.edge.runtime.AppRuntime;
import dev.edge.runtime.ConfigReloader;
import dev.edge.runtime.ReloadAttempt;
import dev.edge.worker.RollingRestart;
import dev.edge.worker.WorkerLine;
import dev.edge.worker.WorkerRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;

/**
 * What the edge can be asked to do by an operator, once, whichever listener asked ({@code
 * /control/*} on the edge's own listeners and the control socket both call these): list the apps
 * and their workers, the status, an app's output and the event log (a snapshot or followed),
 * restart, stop and start an app, reload the config, stop the edge.
 *
 * <p>Nothing here blocks: work that waits (a roll, a reload, reading the worker table) completes a
 * future on the thread that did it.
 */
public final class ControlOperations {

  /** How many lines a log snapshot has at most (all the app's output log holds). */
  public static final int MAX_LINES = 1000;

  private final ConfigReloader reloader;
  private final StatusEndpoint status;
  private final EdgeEvents events;
  private final Consumer<Duration> stopEdge;
  private final Duration defaultGrace;

  /**
   * @param stopEdge begins the edge's graceful shutdown with the given grace period
   * @param defaultGrace the grace period when none is asked for ({@code --shutdown-grace-ms})
   */
  public ControlOperations(
      ConfigReloader reloader,
      StatusEndpoint status,
      EdgeEvents events,
      Consumer<Duration> stopEdge,
      Duration defaultGrace) {
    this.reloader = reloader;
    this.status = status;
    this.events = events;
    this.stopEdge = stopEdge;
    this.defaultGrace = defaultGrace;
  }

  /** The {@code /status} document, with the edge's pid first. */
  public Map<String, Object> status() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("pid", ProcessHandle.current().pid());
    doc.putAll(status.document());
    return doc;
  }

  /** The ids of the active config's apps. */
  public java.util.List<String> appIds() {
    return List.copyOf(reloader.active().apps().keySet());
  }

  /** Every app of the active config with its state, pool counts and worker table. */
  public CompletableFuture<Map<String, Object>> apps() {
    List<AppRuntime> runtimes = List.copyOf(reloader.active().apps().values());
    List<CompletableFuture<List<WorkerRow>>> tables = new ArrayList<>();
    for (AppRuntime runtime : runtimes) {
      tables.add(runtime.supervisor().workerTable());
    }
    return CompletableFuture.allOf(tables.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<Map<String, Object>> apps = new ArrayList<>();
              for (int i = 0; i < runtimes.size(); i++) {
                apps.add(describe(runtimes.get(i), tables.get(i).join()));
              }
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("config", reloader.active().version());
              body.put("apps", apps);
              return body;
            });
  }

  private static Map<String, Object> describe(AppRuntime runtime, List<WorkerRow> workers) {
    PoolSnapshot pool = runtime.pool().snapshot();
    Map<String, Object> app = new LinkedHashMap<>();
    app.put("id", pool.appId());
    app.put("state", runtime.supervisor().held() ? "stopped" : "running");
    app.put("generation", pool.generation());
    app.put("workers", pool.workers());
    app.put("ready", pool.ready());
    app.put("inflight", pool.inflight());
    app.put("queueDepth", pool.queueDepth());
    app.put("degraded", pool.degraded());
    app.put("workerTable", workers);
    return app;
  }

  /**
   * App {@code app}'s output lines after {@code since} (of worker {@code worker} only, unless it is
   * negative), the last {@code lines} of them, preceded by a gap record if lines after {@code
   * since} were pushed out.
   */
  public Map<String, Object> logs(String app, long worker, long since, int lines) {
    SequencedRing<WorkerLine> output = runtime(app).supervisor().output();
    long last = output.last();
    List<Map<String, Object>> records = new ArrayList<>();
    for (Delivery<WorkerLine> delivery : output.after(since, MAX_LINES + 1)) {
      if (delivery instanceof SequencedRing.Gap<WorkerLine> || ofWorker(delivery, worker)) {
        records.add(ControlRecords.line(delivery));
      }
    }
    if (records.size() > lines) {
      records = new ArrayList<>(records.subList(records.size() - lines, records.size()));
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("app", app);
    doc.put("last", last);
    doc.put("lines", records);
    return doc;
  }

  /** App {@code app}'s output after {@code since}, then each new line, as NDJSON records. */
  public Flux<Map<String, Object>> followLogs(String app, long worker, long since) {
    SequencedRing<WorkerLine> output = runtime(app).supervisor().output();
    long from = since < 0 ? output.last() : since;
    return output
        .follow(from)
        .filter(delivery -> delivery instanceof SequencedRing.Gap || ofWorker(delivery, worker))
        .map(ControlRecords::line);
  }

  private static boolean ofWorker(Delivery<WorkerLine> delivery, long worker) {
    return worker < 0
        || (delivery instanceof SequencedRing.Entry<WorkerLine> entry
            && entry.value().worker() == worker);
  }

  /** The event log after {@code since}: {@code {"last":L,"events":[...]}}. */
  public Map<String, Object> events(long since) {
    SequencedRing<LoggedEvent> log = events.log();
    long last = log.last();
    List<Map<String, Object>> records = new ArrayList<>();
    for (Delivery<LoggedEvent> delivery : log.after(since, EdgeEvents.LOG_CAPACITY + 1)) {
      records.add(ControlRecords.event(delivery));
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("last", last);
    doc.put("events", records);
    return doc;
  }

  /** The events after {@code since} (from now when negative), then each new one. */
  public Flux<Map<String, Object>> followEvents(long since) {
    SequencedRing<LoggedEvent> log = events.log();
    return log.follow(since < 0 ? log.last() : since).map(ControlRecords::event);
  }

  /** Rolling restart of {@code app}; completes when it completed or aborted. */
  public CompletableFuture<RollingRestart.Outcome> restart(String app) {
    return restart(app, "control");
  }

  /** Rolling restart of {@code app}, its events naming {@code trigger}. */
  public CompletableFuture<RollingRestart.Outcome> restart(String app, String trigger) {
    return runtime(app).supervisor().roll(trigger);
  }

  /** Stops {@code app}'s workers; completes with how many were stopped. */
  public CompletableFuture<Integer> stopApp(String app) {
    return runtime(app).supervisor().stopApp();
  }

  /** Starts a stopped {@code app}; completes when its workers serve or failed to. */
  public CompletableFuture<RollingRestart.Outcome> startApp(String app) {
    return runtime(app).supervisor().startApp();
  }

  /** Whether {@code app} is stopped. */
  public boolean stopped(String app) {
    return runtime(app).supervisor().held();
  }

  /** One reload attempt. */
  public CompletableFuture<ReloadAttempt> reload() {
    return reload("control");
  }

  /** One reload attempt, its events naming {@code trigger}. */
  public CompletableFuture<ReloadAttempt> reload(String trigger) {
    return reloader.reload(trigger);
  }

  /** The grace period {@link #stopEdge} uses: {@code timeout}, or the default when null. */
  public Duration grace(Duration timeout) {
    return timeout == null ? defaultGrace : timeout;
  }

  /** Begins the edge's graceful shutdown (on its own thread); returns at once. */
  public void stopEdge(Duration grace) {
    stopEdge.accept(grace);
  }

  private AppRuntime runtime(String app) {
    AppRuntime runtime = reloader.active().apps().get(app);
    if (runtime == null) {
      throw new EdgeException(
          Reason.NOT_FOUND,
          "no app "
              + app
              + " (apps: "
              + String.join(", ", reloader.active().apps().keySet())
              + ")");
    }
    return runtime;
  }
}
