package dev.edge.runtime;

import dev.edge.config.Supervision;
import dev.edge.edgefile.AppDef;
import dev.edge.edgefile.EdgefileReader;
import dev.edge.observe.EdgeEvents.Event;
import dev.edge.route.RouteTable;
import dev.edge.worker.DaemonThreads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Applies configs: the first at start-up, then every reload, one at a time on the {@code
 * edge-reload} thread, through the same pipeline whatever the trigger (file change, SIGHUP, {@code
 * POST /control/reload}):
 *
 * <ol>
 *   <li>parse and validate the Edgefile; a byte-identical file is a no-op ({@code unchanged}); any
 *       problem rejects the attempt;
 *   <li>stage: check the files it names, build and start the runtime of every new or changed app
 *       (apps whose definition is equal keep their runtime and workers untouched) and wait until
 *       all their workers are READY; a failure stops what was started and rejects the attempt;
 *   <li>activate: swap the whole snapshot (route table and app runtimes) in one step;
 *   <li>verify: for {@link #VERIFY_WINDOW} the newly started apps must keep all their workers
 *       READY; if not, the previous snapshot is swapped back ({@code rolled_back});
 *   <li>retire: removed and replaced apps drain (queued and in-flight requests finish) and stop.
 * </ol>
 *
 * <p>Each attempt emits one event ({@code config_applied}, {@code config_unchanged}, {@code
 * config_rejected} or {@code config_rolled_back}) and becomes {@link #lastAttempt()}.
 */
public final class ConfigReloader {

  /** How long newly started apps must stay READY after activation. */
  static final Duration VERIFY_WINDOW = Duration.ofSeconds(1);

  /** Stage waits this much longer than an app's start timeout for all its workers. */
  static final Duration STAGE_MARGIN = Duration.ofSeconds(2);

  private final ConfigSource source;
  private final Supervision edgePolicy;
  private final AppServices services;
  private final Duration workerStopGrace;
  private final AtomicReference<ActiveConfig> active = new AtomicReference<>();
  private final ScheduledExecutorService thread = DaemonThreads.single("edge-reload");
  private final AtomicLong attempts = new AtomicLong();
  private final Set<AppRuntime> retiring = ConcurrentHashMap.newKeySet();
  private volatile ReloadAttempt last;

  /**
   * @param source where configs come from
   * @param edgePolicy the edge-wide supervision settings (drain timeout for retiring apps)
   * @param services what app runtimes share
   * @param workerStopGrace time between SIGTERM and SIGKILL when apps stop
   */
  public ConfigReloader(
      ConfigSource source, Supervision edgePolicy, AppServices services, Duration workerStopGrace) {
    this.source = source;
    this.edgePolicy = edgePolicy;
    this.services = services;
    this.workerStopGrace = workerStopGrace;
  }

  /** The snapshot requests use now. */
  public ActiveConfig active() {
    return active.get();
  }

  /** The last reload attempt, or null before the first. */
  public ReloadAttempt lastAttempt() {
    return last;
  }

  /** Where configs come from. */
  public ConfigSource source() {
    return source;
  }

  /**
   * Makes the first config active: builds every app's runtime without starting it, so requests can
   * be routed (and queue) from the moment the listener is bound.
   */
  public void prepareInitial(LoadedConfig loaded) {
    Map<String, AppRuntime> apps = new LinkedHashMap<>();
    for (AppDef app : loaded.config().apps().values()) {
      apps.put(app.id(), AppRuntime.create(app, edgePolicy, services));
    }
    active.set(snapshot(loaded, apps));
  }

  /**
   * Starts the workers of the first config's apps; requests that arrive before a worker is READY
   * wait in its app's queue. Blocking (process spawns).
   */
  public void startInitial() {
    for (AppRuntime runtime : active.get().apps().values()) {
      try {
        runtime.start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot watch the files of app " + runtime.app().id(), e);
      }
    }
  }

  /** Runs one reload attempt on the reload thread; completes with its outcome. */
  public CompletableFuture<ReloadAttempt> reload(String trigger) {
    CompletableFuture<ReloadAttempt> done = new CompletableFuture<>();
    thread.execute(
        () -> {
          try {
            done.complete(attempt(trigger));
          } catch (RuntimeException | Error e) {
            done.completeExceptionally(e);
          }
        });
    return done;
  }

  /** Stops every app, active and retiring. Blocking up to {@code grace} per app. */
  public void stopAll(Duration grace) {
    thread.shutdownNow();
    List<AppRuntime> all = new ArrayList<>(retiring);
    ActiveConfig current = active.get();
    if (current != null) {
      all.addAll(current.apps().values());
    }
    List<Thread> stoppers = new ArrayList<>();
    for (AppRuntime app : all) {
      stoppers.add(DaemonThreads.start("edge-stop-" + app.app().id(), () -> app.stop(grace), true));
    }
    for (Thread stopper : stoppers) {
      try {
        stopper.join(grace.plusSeconds(3).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private ReloadAttempt attempt(String trigger) {
    long id = attempts.incrementAndGet();
    Instant at = Instant.now();
    ActiveConfig old = active.get();
    Outcome outcome = new Outcome(id, trigger, old.version(), at);
    if (source.edgefile() == null) {
      return finish(
          outcome.rejected(null, "no_edgefile", "the edge runs one app from the command line"));
    }
    EdgefileReader.Result read;
    try {
      read = source.read();
    } catch (UncheckedIOException e) {
      return finish(outcome.rejected(null, "unreadable", e.getCause().getMessage()));
    }
    if (read.version() != null && read.version().equals(old.version())) {
      return finish(outcome.unchanged(read.version()));
    }
    if (!read.ok()) {
      List<String> problems =
          read.problems().stream()
              .map(p -> p.format(source.edgefile().getFileName().toString()))
              .toList();
      return finish(
          outcome
              .rejected(
                  read.version(),
                  "invalid_config",
                  problems.size() + (problems.size() == 1 ? " problem" : " problems"))
              .withProblems(problems));
    }
    LoadedConfig loaded = new LoadedConfig(read.config(), read.version(), source.edgefile());
    Staged staged;
    try {
      staged = stage(loaded, old);
    } catch (StageFailure e) {
      return finish(outcome.rejected(loaded.version(), e.reason(), e.getMessage()));
    }
    ActiveConfig next = snapshot(loaded, staged.apps());
    active.set(next);
    String failure = verify(staged.started());
    if (failure != null) {
      active.set(old);
      staged.started().forEach(app -> app.stop(workerStopGrace));
      return finish(outcome.rolledBack(loaded.version(), failure, names(staged.started())));
    }
    List<AppRuntime> retired = new ArrayList<>();
    for (AppRuntime previous : old.apps().values()) {
      if (next.apps().get(previous.app().id()) != previous) {
        retired.add(previous);
        retire(previous, id);
      }
    }
    return finish(outcome.applied(loaded.version(), names(staged.started()), names(retired)));
  }

  /** Builds the runtimes of new or changed apps, starts them and waits for all their workers. */
  private Staged stage(LoadedConfig loaded, ActiveConfig old) throws StageFailure {
    List<String> missing = Preflight.missing(loaded.config());
    if (!missing.isEmpty()) {
      throw new StageFailure("stage_failed", String.join("; ", missing));
    }
    Map<String, AppRuntime> apps = new LinkedHashMap<>();
    List<AppRuntime> started = new ArrayList<>();
    try {
      for (AppDef app : loaded.config().apps().values()) {
        AppRuntime kept = old.apps().get(app.id());
        if (kept != null && kept.app().equals(app)) {
          apps.put(app.id(), kept);
          continue;
        }
        AppRuntime runtime = AppRuntime.create(app, edgePolicy, services);
        started.add(runtime);
        apps.put(app.id(), runtime);
        runtime.start();
      }
      for (AppRuntime runtime : started) {
        Duration limit = runtime.app().startTimeout().plus(STAGE_MARGIN);
        if (!runtime.awaitAllReady(limit)) {
          throw new StageFailure(
              "stage_failed",
              "app "
                  + runtime.app().id()
                  + ": not all "
                  + runtime.app().workers()
                  + " workers READY within "
                  + limit.toMillis()
                  + " ms");
        }
      }
    } catch (StageFailure | IOException | RuntimeException e) {
      started.forEach(runtime -> runtime.stop(workerStopGrace));
      if (e instanceof StageFailure failure) {
        throw failure;
      }
      throw new StageFailure("stage_failed", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      started.forEach(runtime -> runtime.stop(workerStopGrace));
      throw new StageFailure("stage_failed", "interrupted");
    }
    return new Staged(apps, started);
  }

  /** Null when the newly started apps stayed READY through the window, else what went wrong. */
  private static String verify(List<AppRuntime> started) {
    if (started.isEmpty()) {
      return null;
    }
    long deadline = System.nanoTime() + VERIFY_WINDOW.toNanos();
    do {
      for (AppRuntime runtime : started) {
        int ready = runtime.pool().snapshot().ready();
        if (ready < runtime.app().workers()) {
          return "app "
              + runtime.app().id()
              + ": "
              + ready
              + " of "
              + runtime.app().workers()
              + " workers READY after activation";
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    } while (System.nanoTime() < deadline);
    return null;
  }

  private void retire(AppRuntime app, long attempt) {
    retiring.add(app);
    DaemonThreads.start(
        "edge-retire-" + app.app().id(),
        () -> {
          try {
            app.retire(edgePolicy.drainTimeout(), workerStopGrace);
            services.events().emit(Event.APP_RETIRED, "app", app.app().id(), "attempt", attempt);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            retiring.remove(app);
          }
        },
        true);
  }

  private ReloadAttempt finish(ReloadAttempt attempt) {
    last = attempt;
    Event event =
        switch (attempt.result()) {
          case APPLIED -> Event.CONFIG_APPLIED;
          case UNCHANGED -> Event.CONFIG_UNCHANGED;
          case REJECTED -> Event.CONFIG_REJECTED;
          case ROLLED_BACK -> Event.CONFIG_ROLLED_BACK;
        };
    services
        .events()
        .emit(
            event,
            "attempt",
            attempt.id(),
            "trigger",
            attempt.trigger(),
            "oldVersion",
            attempt.oldVersion(),
            "newVersion",
            attempt.newVersion(),
            "result",
            attempt.result().id(),
            "reason",
            attempt.reason(),
            "detail",
            attempt.detail(),
            "started",
            attempt.started(),
            "retired",
            attempt.retired(),
            "problems",
            attempt.problems(),
            "durationMs",
            attempt.durationMs());
    return attempt;
  }

  private static ActiveConfig snapshot(LoadedConfig loaded, Map<String, AppRuntime> apps) {
    return new ActiveConfig(
        loaded.version(),
        loaded.source(),
        loaded.config(),
        RouteTable.compile(loaded.config()),
        Map.copyOf(apps),
        Instant.now());
  }

  private static List<String> names(List<AppRuntime> apps) {
    return apps.stream().map(app -> app.app().id()).toList();
  }

  /** The apps of a staged config, and which of them this attempt started. */
  private record Staged(Map<String, AppRuntime> apps, List<AppRuntime> started) {}
}
