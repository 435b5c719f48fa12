package dev.edge.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reads a supervisor's workers into {@link WorkerRow}s on its own thread (where its state lives),
 * with each process's resident memory from {@code /proc/<pid>/status} (Linux; -1 elsewhere). When
 * that thread is busy for longer than {@link #PATIENCE} (spawning workers during a roll), the table
 * is read on another thread instead, from the concurrent map of running workers, with restarts
 * shown as -1 where they cannot be read safely: {@code /diagnostics} never waits on a spawn.
 */
final class WorkerTable {

  /** How long a reader waits for the supervisor's own thread. */
  static final Duration PATIENCE = Duration.ofSeconds(1);

  private WorkerTable() {}

  static CompletableFuture<List<WorkerRow>> of(WorkerSupervisor supervisor) {
    return read(supervisor.spawner, () -> read(supervisor, true), () -> read(supervisor, false));
  }

  /**
   * {@code onOwner} run on {@code owner}, or, when {@code owner} has not run it within {@link
   * #PATIENCE} (or refuses it), {@code elsewhere} on a common-pool thread.
   */
  static CompletableFuture<List<WorkerRow>> read(
      Executor owner, Supplier<List<WorkerRow>> onOwner, Supplier<List<WorkerRow>> elsewhere) {
    CompletableFuture<List<WorkerRow>> rows = new CompletableFuture<>();
    try {
      owner.execute(
          () -> {
            try {
              rows.complete(onOwner.get());
            } catch (RuntimeException e) {
              rows.completeExceptionally(e); // never leave a reader of the table waiting
            }
          });
    } catch (RejectedExecutionException e) {
      rows.complete(null);
    }
    return rows.completeOnTimeout(null, PATIENCE.toMillis(), TimeUnit.MILLISECONDS)
        .thenCompose(
            table ->
                table != null
                    ? CompletableFuture.completedFuture(table)
                    : CompletableFuture.supplyAsync(elsewhere));
  }

  private static List<WorkerRow> read(WorkerSupervisor supervisor, boolean onOwner) {
    List<WorkerRow> rows = new ArrayList<>();
    for (WorkerProcess worker : supervisor.running.values()) {
      int restarts = onOwner ? supervisor.slots.restarts(worker.slotIndex) : -1;
      rows.add(
          new WorkerRow(
              worker.id(),
              worker.process.pid(),
              worker.generation(),
              worker.slot.state().name().toLowerCase(Locale.ROOT),
              worker.slot.inflight(),
              worker.slot.forwarded(),
              worker.slot.lastUsedMillis(),
              worker.ranMillis() / 1000,
              restarts,
              rss(worker.process.pid())));
    }
    rows.sort(Comparator.comparingLong(WorkerRow::id));
    return rows;
  }

  /** VmRSS of {@code pid} in bytes, or -1. */
  static long rss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.trim().split("\\s+");
          return Long.parseLong(parts[1]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
