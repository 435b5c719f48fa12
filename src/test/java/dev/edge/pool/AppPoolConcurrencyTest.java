package dev.edge.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * Hammers one pool from many threads with every interleaving the request path can produce
 * (immediate grants, queueing, shedding, timeouts, cancellation while waiting and right after a
 * hand-over) and checks that no request is lost or answered twice, that no worker ever holds more
 * than its in-flight limit, and that every slot comes back.
 */
class AppPoolConcurrencyTest {

  private static final int THREADS = 8;
  private static final int REQUESTS_PER_THREAD = 4_000;
  private static final int WORKERS = 4;
  private static final int MAX_INFLIGHT = 3;
  private static final int TOTAL = THREADS * REQUESTS_PER_THREAD;
  private static final int RACE_ROUNDS = 20_000;
  private static final PoolListener QUIET =
      new PoolListener() {
        @Override
        public void unreachable(WorkerSlot worker) {}

        @Override
        public void recycleDue(WorkerSlot worker) {}
      };

  @RepeatedTest(3)
  void everyRequestIsAnsweredExactlyOnceAndLimitsHold() throws Exception {
    AppPool pool = new AppPool("app", 16, Duration.ofMillis(20), Schedulers.parallel(), QUIET);
    List<WorkerSlot> slots = new ArrayList<>();
    for (int id = 1; id <= WORKERS; id++) {
      WorkerSlot slot = new WorkerSlot(id, 1, MAX_INFLIGHT, null, "w" + id, 0);
      pool.add(slot);
      pool.markReady(slot);
      slots.add(slot);
    }
    AtomicIntegerArray holding = new AtomicIntegerArray(WORKERS + 1);
    AtomicIntegerArray signals = new AtomicIntegerArray(TOTAL);
    AtomicIntegerArray cancelled = new AtomicIntegerArray(TOTAL);
    AtomicInteger overLimit = new AtomicInteger();
    AtomicInteger held = new AtomicInteger();
    AtomicInteger served = new AtomicInteger();
    AtomicInteger shed = new AtomicInteger();
    AtomicInteger timedOut = new AtomicInteger();
    AtomicInteger unexpected = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);

    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      threads.execute(
          () -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < REQUESTS_PER_THREAD; i++) {
              int request = thread * REQUESTS_PER_THREAD + i;
              Disposable subscription =
                  pool.acquire()
                      .subscribe(
                          lease -> {
                            signals.incrementAndGet(request);
                            if (!lease.claim()) {
                              return;
                            }
                            int id = (int) lease.worker().id();
                            if (holding.incrementAndGet(id) > MAX_INFLIGHT) {
                              overLimit.incrementAndGet();
                            }
                            served.incrementAndGet();
                            held.incrementAndGet();
                            Schedulers.parallel()
                                .schedule(
                                    () -> {
                                      holding.decrementAndGet(id);
                                      held.decrementAndGet();
                                      lease.release();
                                    },
                                    random.nextInt(3),
                                    TimeUnit.MILLISECONDS);
                          },
                          error -> {
                            signals.incrementAndGet(request);
                            Reason reason = error instanceof EdgeException e ? e.reason() : null;
                            if (reason == Reason.QUEUE_FULL) {
                              shed.incrementAndGet();
                            } else if (reason == Reason.QUEUE_TIMEOUT) {
                              timedOut.incrementAndGet();
                            } else {
                              unexpected.incrementAndGet();
                            }
                          });
              if (random.nextInt(10) == 0) {
                cancelled.set(request, 1);
                subscription.dispose();
              }
            }
          });
    }
    threads.shutdown();
    assertThat(threads.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    awaitQuiet(pool, held);

    assertThat(overLimit.get()).as("grants beyond a worker's max in-flight").isZero();
    assertThat(unexpected.get()).as("errors other than queue_full / queue_timeout").isZero();
    int lost = 0;
    int twice = 0;
    for (int request = 0; request < TOTAL; request++) {
      int n = signals.get(request);
      if (n > 1) {
        twice++;
      } else if (n == 0 && cancelled.get(request) == 0) {
        lost++;
      }
    }
    assertThat(twice).as("requests answered twice").isZero();
    assertThat(lost).as("requests never answered").isZero();
    assertThat(served.get()).isPositive();
    assertThat(shed.get() + timedOut.get()).as("overload was exercised").isPositive();
    PoolSnapshot end = pool.snapshot();
    assertThat(end.queueDepth()).as("queue drained").isZero();
    assertThat(end.inflight()).as("every lease returned").isZero();
    for (WorkerSlot slot : slots) {
      assertThat(slot.inflight()).isZero();
    }
  }

  /**
   * The narrowest race of all, forced many times: a queued request is handed a slot on one thread
   * while its subscriber cancels on another. Whichever wins, the slot must come back: either the
   * subscriber took the lease (and releases it) or the pool gets it back.
   */
  @Test
  void aCancelRacingTheHandOverNeverKeepsTheSlot() throws Exception {
    AppPool pool = new AppPool("app", 4, Duration.ofSeconds(30), Schedulers.parallel(), QUIET);
    WorkerSlot slot = new WorkerSlot(1, 1, 1, null, "w1", 0);
    pool.add(slot);
    pool.markReady(slot);
    ExecutorService other = Executors.newSingleThreadExecutor();
    AtomicInteger taken = new AtomicInteger();
    try {
      for (int round = 0; round < RACE_ROUNDS; round++) {
        Lease busy = pool.tryAcquire(null);
        assertThat(busy).as("round %d: the slot is free", round).isNotNull();
        Disposable waiting =
            pool.acquire()
                .subscribe(
                    lease -> {
                      if (lease.claim()) {
                        taken.incrementAndGet();
                        lease.release();
                      }
                    });
        AtomicInteger atTheLine = new AtomicInteger();
        int skew = round % 64;
        Future<?> handOver =
            other.submit(
                () -> {
                  startTogether(atTheLine, skew);
                  busy.release();
                });
        startTogether(atTheLine, 64 - skew);
        waiting.dispose();
        handOver.get(10, TimeUnit.SECONDS);
        assertThat(slot.inflight()).as("round %d: slot in flight after the race", round).isZero();
        assertThat(pool.snapshot().queueDepth()).as("round %d: queue", round).isZero();
      }
    } finally {
      other.shutdownNow();
    }
    // Both outcomes must have happened, or the rounds did not race (about a third go to the
    // subscriber on a 2-core machine).
    assertThat(taken.get()).as("rounds the subscriber won").isStrictlyBetween(0, RACE_ROUNDS);
  }

  /** Spins until both racers are here, then spins {@code skew} more steps to shift the start. */
  private static void startTogether(AtomicInteger atTheLine, int skew) {
    atTheLine.incrementAndGet();
    while (atTheLine.get() < 2) {
      Thread.onSpinWait();
    }
    for (int i = 0; i < skew; i++) {
      Thread.onSpinWait();
    }
  }

  private static void awaitQuiet(AppPool pool, AtomicInteger held) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      PoolSnapshot now = pool.snapshot();
      if (held.get() == 0 && now.queueDepth() == 0 && now.inflight() == 0) {
        Thread.sleep(100);
        if (held.get() == 0
            && pool.snapshot().inflight() == 0
            && pool.snapshot().queueDepth() == 0) {
          return;
        }
      }
      Thread.sleep(10);
    }
  }
}
