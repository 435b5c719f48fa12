package dev.edge.worker;

import dev.edge.config.Supervision;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An app's worker slots and the generation that fills them: which worker holds each slot of the
 * routed generation, each slot's restart budget, the slots given up after too many failures, and
 * the generation numbers handed out to rolls. The only writer of that state: its {@link
 * WorkerSupervisor}, {@link RollingRestart} and {@link HealthChecks} go through these methods.
 *
 * <p>Confined to the supervisor's thread.
 */
final class Slots {

  private final List<WorkerProcess> workers = new ArrayList<>();
  private final List<RestartBudget> budgets = new ArrayList<>();
  private final Set<Integer> abandoned = new HashSet<>();
  private long generation = 1;
  private long lastGeneration = 1;

  /** {@code count} empty slots of generation 1, each with a fresh restart budget. */
  Slots(int count, Supervision policy) {
    for (int i = 0; i < count; i++) {
      workers.add(null);
      budgets.add(new RestartBudget(policy.maxRestarts(), policy.restartWindow()));
    }
  }

  /** How many slots the app has. */
  int size() {
    return workers.size();
  }

  /** The generation routing goes to. */
  long generation() {
    return generation;
  }

  /** The worker holding {@code slot}, or null while it has none. */
  WorkerProcess worker(int slot) {
    return workers.get(slot);
  }

  /** Whether {@code worker} still holds its slot (no roll or recycle replaced it). */
  boolean holds(WorkerProcess worker) {
    return workers.get(worker.slotIndex) == worker;
  }

  /** {@code worker} (null when it could not be spawned) now holds {@code slot}. */
  void fill(int slot, WorkerProcess worker) {
    workers.set(slot, worker);
  }

  /** The restart budget of {@code slot}. */
  RestartBudget budget(int slot) {
    return budgets.get(slot);
  }

  /** Restarts charged to {@code slot} in its window; 0 for a slot the app does not have. */
  int restarts(int slot) {
    return slot >= 0 && slot < budgets.size() ? budgets.get(slot).restarts() : 0;
  }

  /** Whether {@code slot} was given up. */
  boolean abandoned(int slot) {
    return abandoned.contains(slot);
  }

  /** Gives {@code slot} up: it stays empty. Returns how many slots are given up now. */
  int abandon(int slot) {
    workers.set(slot, null);
    abandoned.add(slot);
    return abandoned.size();
  }

  /** Hands out the number of the next generation, for a roll to start. */
  long nextGeneration() {
    return ++lastGeneration;
  }

  /**
   * Generation {@code next} takes over: its {@code started} workers hold the slots in order, every
   * slot's restart budget starts over and no slot is given up any more.
   */
  void switchTo(long next, List<WorkerProcess> started) {
    generation = next;
    for (int slot = 0; slot < started.size(); slot++) {
      workers.set(slot, started.get(slot));
      budgets.get(slot).reset();
    }
    abandoned.clear();
  }
}
