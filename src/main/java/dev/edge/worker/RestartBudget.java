package dev.edge.worker;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * One worker slot's restart policy: how long to wait before replacing a failed worker, and when to
 * give the slot up. Confined to the supervisor's thread.
 */
final class RestartBudget {

  /**
   * Delay before a replacement starts, by consecutive failures of the slot: doubling from 1 s,
   * capped at 30 s. Mirrored in docs/edge/CONTRACTS.md.
   */
  static final long[] RESTART_DELAYS_MS = {
    1_000, // 1st failure
    2_000, // 2nd
    4_000, // 3rd
    8_000, // 4th
    16_000, // 5th
    30_000, // 6th and later
  };

  /** A worker that ran this long before failing starts its slot's back-off over. */
  static final Duration STABLE_AFTER = Duration.ofSeconds(60);

  private final int maxRestarts;
  private final long windowNanos;
  private final ArrayDeque<Long> failures = new ArrayDeque<>();
  private int consecutive;
  private int restarts;

  RestartBudget(int maxRestarts, Duration window) {
    this.maxRestarts = maxRestarts;
    this.windowNanos = window.toNanos();
  }

  /**
   * Records a failure of a worker that ran {@code ranMillis}; returns the back-off before its
   * replacement, or -1 when the slot has failed more than {@code maxRestarts} times within the
   * window and must be abandoned.
   */
  long onFailure(long nowNanos, long ranMillis) {
    restarts++;
    failures.addLast(nowNanos);
    while (!failures.isEmpty() && nowNanos - failures.peekFirst() > windowNanos) {
      failures.removeFirst();
    }
    if (failures.size() > maxRestarts) {
      return -1;
    }
    consecutive = ranMillis >= STABLE_AFTER.toMillis() ? 1 : consecutive + 1;
    return RESTART_DELAYS_MS[Math.min(consecutive, RESTART_DELAYS_MS.length) - 1];
  }

  /** Failures of this slot since the app started (each one replaced its worker or gave up). */
  int restarts() {
    return restarts;
  }

  /** Failures counted in the current window. */
  int failuresInWindow() {
    return failures.size();
  }

  /** Forgets every failure (a new app generation starts with a clean slate). */
  void reset() {
    failures.clear();
    consecutive = 0;
  }
}
