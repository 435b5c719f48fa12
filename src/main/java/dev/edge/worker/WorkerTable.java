package dev.edge.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Reads a supervisor's workers into {@link WorkerRow}s on its own thread (where its state lives),
 * with each process's resident memory from {@code /proc/<pid>/status} (Linux; -1 elsewhere).
 */
final class WorkerTable {

  private WorkerTable() {}

  static CompletableFuture<List<WorkerRow>> of(WorkerSupervisor supervisor) {
    CompletableFuture<List<WorkerRow>> rows = new CompletableFuture<>();
    try {
      supervisor.spawner.execute(
          () -> {
            try {
              rows.complete(read(supervisor));
            } catch (RuntimeException e) {
              rows.completeExceptionally(e); // never leave a reader of the table waiting
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      rows.complete(List.of());
    }
    return rows;
  }

  private static List<WorkerRow> read(WorkerSupervisor supervisor) {
    List<WorkerRow> rows = new ArrayList<>();
    for (WorkerProcess worker : supervisor.running.values()) {
      int restarts = supervisor.slots.restarts(worker.slotIndex);
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
