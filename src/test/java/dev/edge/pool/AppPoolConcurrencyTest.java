package dev.edge.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.RepeatedTest;
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

  @RepeatedTest(3)
  void everyRequestIsAnsweredExactlyOnceAndLimitsHold() throws Exception {
    AppPool pool =
        new AppPool(
            "app",
            16,
            Duration.ofMillis(20),
            Schedulers.parallel(),
            new PoolListener() {
              @Override
              public void unreachable(WorkerSlot worker) {}

              @Override
              public void recycleDue(WorkerSlot worker) {}
            });
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
