package dev.edge.pool;

import java.util.List;

/**
 * The scheduling rule, kept apart so it can be read in one place: among the READY workers of the
 * routed generation that have a free in-flight slot, pick the one with the fewest in-flight
 * requests; on a tie, the lowest worker id (keeps warm workers warm). See {@code
 * docs/edge/SCHEDULER.md}.
 */
final class LeastInflight {

  private LeastInflight() {}

  /**
   * Picks a worker, or {@code null} if none has room.
   *
   * @param workers slots ordered by ascending id
   * @param generation the generation that receives traffic
   * @param avoid a worker to use only if no other has room (it just failed this request), or null
   */
  static WorkerSlot pick(List<WorkerSlot> workers, long generation, WorkerSlot avoid) {
    WorkerSlot best = null;
    boolean avoided = false;
    for (int i = 0, n = workers.size(); i < n; i++) {
      WorkerSlot candidate = workers.get(i);
      if (candidate.generation() != generation || !candidate.hasRoom()) {
        continue;
      }
      if (candidate == avoid) {
        avoided = true;
        continue;
      }
      if (best == null || candidate.inflight() < best.inflight()) {
        best = candidate;
        if (best.inflight() == 0) {
          break;
        }
      }
    }
    return best == null && avoided ? avoid : best;
  }
}
