package dev.edge.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edge.EdgeException;
import dev.edge.EdgeException.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.scheduler.Schedulers;

/** The scheduler and queue rules of docs/edge/SCHEDULER.md, without sockets. */
class AppPoolTest {

  private final List<WorkerSlot> unreachable = new CopyOnWriteArrayList<>();
  private final List<WorkerSlot> recycles = new CopyOnWriteArrayList<>();

  private AppPool pool(int maxQueue, Duration queueTimeout) {
    return new AppPool(
        "app",
        maxQueue,
        queueTimeout,
        Schedulers.parallel(),
        new PoolListener() {
          @Override
          public void unreachable(WorkerSlot worker) {
            unreachable.add(worker);
          }

          @Override
          public void recycleDue(WorkerSlot worker) {
            recycles.add(worker);
          }
        });
  }

  private static WorkerSlot ready(AppPool pool, long id, int maxInflight) {
    return ready(pool, id, 1, maxInflight, 0);
  }

  private static WorkerSlot ready(
      AppPool pool, long id, long generation, int maxInflight, long maxRequests) {
    WorkerSlot slot = new WorkerSlot(id, generation, maxInflight, null, "w" + id, maxRequests);
    pool.add(slot);
    pool.markReady(slot);
    return slot;
  }

  private static Lease take(AppPool pool) {
    Lease lease = pool.acquire().block(Duration.ofSeconds(5));
    assertThat(lease.claim()).isTrue();
    return lease;
  }

  @Test
  void picksTheLeastInflightWorkerAndBreaksTiesByLowestId() {
    AppPool pool = pool(10, Duration.ofSeconds(5));
    WorkerSlot w3 = ready(pool, 3, 4);
    WorkerSlot w1 = ready(pool, 1, 4);
    WorkerSlot w2 = ready(pool, 2, 4);

    Lease first = take(pool);
    Lease second = take(pool);
    Lease third = take(pool);
    Lease fourth = take(pool);

    assertThat(List.of(first.worker(), second.worker(), third.worker(), fourth.worker()))
        .containsExactly(w1, w2, w3, w1);
    second.release();
    assertThat(take(pool).worker()).isEqualTo(w2);
    assertThat(w1.inflight()).isEqualTo(2);
    assertThat(w2.inflight()).isEqualTo(1);
    assertThat(w3.inflight()).isEqualTo(1);
  }

  @Test
  void startingAndStoppedWorkersGetNoRequests() {
    AppPool pool = pool(0, Duration.ofSeconds(5));
    WorkerSlot starting = new WorkerSlot(1, 1, 4, null, "w1", 0);
    pool.add(starting);
    WorkerSlot w2 = ready(pool, 2, 4);
    pool.remove(w2);

    assertThatThrownBy(() -> pool.acquire().block())
        .isInstanceOf(EdgeException.class)
        .extracting(e -> ((EdgeException) e).reason())
        .isEqualTo(Reason.QUEUE_FULL);
  }

  @Test
  void queuesFifoThenShedsWithExactCounts() {
    AppPool pool = pool(3, Duration.ofSeconds(30));
    ready(pool, 1, 1);
    ready(pool, 2, 1);
    List<Lease> served = new CopyOnWriteArrayList<>();
    List<Throwable> refused = new CopyOnWriteArrayList<>();
    List<Integer> order = new CopyOnWriteArrayList<>();

    for (int i = 0; i < 9; i++) {
      int n = i;
      pool.acquire()
          .subscribe(
              lease -> {
                lease.claim();
                order.add(n);
                served.add(lease);
              },
              refused::add);
    }

    assertThat(served).hasSize(2);
    assertThat(refused)
        .hasSize(4)
        .allSatisfy(e -> assertThat(((EdgeException) e).reason()).isEqualTo(Reason.QUEUE_FULL));
    assertThat(pool.snapshot().queueDepth()).isEqualTo(3);

    served.get(0).release();
    assertThat(order).containsExactly(0, 1, 2);
    served.get(1).release();
    served.get(2).release();
    assertThat(order).containsExactly(0, 1, 2, 3, 4);
    assertThat(pool.snapshot().queueDepth()).isZero();
  }

  @Test
  void expiresRequestsThatWaitedLongerThanTheQueueTimeout() {
    AppPool pool = pool(10, Duration.ofMillis(200));
    ready(pool, 1, 1);
    Lease holder = take(pool);

    assertThatThrownBy(() -> pool.acquire().block(Duration.ofSeconds(5)))
        .isInstanceOf(EdgeException.class)
        .extracting(e -> ((EdgeException) e).reason())
        .isEqualTo(Reason.QUEUE_TIMEOUT);
    assertThat(pool.snapshot().queueDepth()).isZero();
    holder.release();
    assertThat(pool.snapshot().inflight()).isZero();
  }

  @Test
  void aWorkerThatBecomesReadyTakesTheQueueHeadAtOnce() {
    AppPool pool = pool(10, Duration.ofSeconds(30));
    WorkerSlot late = new WorkerSlot(7, 1, 2, null, "w7", 0);
    pool.add(late);
    List<Lease> served = new CopyOnWriteArrayList<>();
    pool.acquire().subscribe(served::add);
    pool.acquire().subscribe(served::add);
    pool.acquire().subscribe(served::add);
    assertThat(served).isEmpty();

    pool.markReady(late);

    assertThat(served).hasSize(2).allSatisfy(lease -> assertThat(lease.worker()).isEqualTo(late));
    assertThat(pool.snapshot().queueDepth()).isEqualTo(1);
  }

  @Test
  void aCancelledWaiterLeavesTheQueueAndAnUndeliveredLeaseComesBack() {
    AppPool pool = pool(10, Duration.ofSeconds(30));
    WorkerSlot w1 = ready(pool, 1, 1);
    Lease holder = take(pool);
    Disposable waiting = pool.acquire().subscribe();
    assertThat(pool.snapshot().queueDepth()).isEqualTo(1);

    waiting.dispose();

    assertThat(pool.snapshot().queueDepth()).isZero();
    holder.release();
    assertThat(w1.inflight()).isZero();
  }

  @Test
  void aSubscriberThatCancelsAsItSubscribesTakesNoSlot() {
    AppPool pool = pool(10, Duration.ofSeconds(30));
    WorkerSlot w1 = ready(pool, 1, 1);
    List<Lease> seen = new CopyOnWriteArrayList<>();

    pool.acquire()
        .subscribe(
            new BaseSubscriber<Lease>() {
              @Override
              protected void hookOnSubscribe(Subscription subscription) {
                cancel();
              }

              @Override
              protected void hookOnNext(Lease lease) {
                seen.add(lease);
              }
            });

    assertThat(seen).isEmpty();
    assertThat(w1.inflight()).isZero();
    assertThat(pool.snapshot().queueDepth()).isZero();
    Lease next = take(pool);
    assertThat(next.worker()).isSameAs(w1);
    next.release();
  }

  @Test
  void anUnreachableWorkerLeavesRoutingAndIsReported() {
    AppPool pool = pool(10, Duration.ofSeconds(30));
    WorkerSlot w1 = ready(pool, 1, 4);
    WorkerSlot w2 = ready(pool, 2, 4);
    Lease lease = take(pool);
    assertThat(lease.worker()).isEqualTo(w1);

    lease.releaseUnreachable();

    assertThat(w1.state()).isEqualTo(WorkerState.STOPPED);
    assertThat(unreachable).containsExactly(w1);
    assertThat(take(pool).worker()).isEqualTo(w2);
    assertThat(take(pool).worker()).isEqualTo(w2);
  }

  @Test
  void closingAnswersEveryQueuedRequestAndRefusesNewOnes() {
    AppPool pool = pool(10, Duration.ofSeconds(30));
    ready(pool, 1, 1);
    take(pool);
    List<Throwable> errors = new ArrayList<>();
    pool.acquire().subscribe(lease -> {}, errors::add);
    pool.acquire().subscribe(lease -> {}, errors::add);

    pool.close(Reason.SHUTTING_DOWN);

    assertThat(errors)
        .hasSize(2)
        .allSatisfy(e -> assertThat(((EdgeException) e).reason()).isEqualTo(Reason.SHUTTING_DOWN));
    assertThatThrownBy(() -> pool.acquire().block(Duration.ofSeconds(1)))
        .isInstanceOf(EdgeException.class);
  }

  @Test
  void aStoppedAppRefusesWithItsReasonAndDetailUntilReopened() {
    AppPool pool = pool(10, Duration.ofSeconds(30));
    WorkerSlot w1 = ready(pool, 1, 1);
    take(pool);
    List<Throwable> errors = new ArrayList<>();
    pool.acquire().subscribe(lease -> {}, errors::add);

    pool.close(Reason.WORKER_UNAVAILABLE, "app app is stopped");

    assertThat(errors).hasSize(1);
    assertThat(((EdgeException) errors.get(0)).reason()).isEqualTo(Reason.WORKER_UNAVAILABLE);
    assertThat(errors.get(0)).hasMessage("app app is stopped");
    assertThatThrownBy(() -> pool.acquire().block(Duration.ofSeconds(1)))
        .isInstanceOf(EdgeException.class)
        .hasMessage("app app is stopped");
    assertThat(pool.tryAcquire(null)).isNull();

    pool.reopen();
    pool.remove(w1);
    WorkerSlot w2 = ready(pool, 2, 1);
    assertThat(take(pool).worker()).isEqualTo(w2);
  }

  @Test
  void releaseTakesNoTimeWhileRequestsWait() throws Exception {
    AppPool pool = pool(10, Duration.ofSeconds(30));
    ready(pool, 1, 1);
    Lease holder = take(pool);
    java.util.concurrent.CompletableFuture<Lease> next = pool.acquire().toFuture();

    holder.release();

    assertThat(next.get(1, TimeUnit.SECONDS).worker().id()).isEqualTo(1);
  }

  @Test
  void aGenerationSwitchIsOneStepAndQueuedRequestsWaitForTheNewGeneration() {
    AppPool pool = pool(10, Duration.ofSeconds(30));
    WorkerSlot old = ready(pool, 1, 1, 1, 0);
    Lease held = take(pool);
    List<Lease> queued = new CopyOnWriteArrayList<>();
    pool.acquire().subscribe(queued::add);
    WorkerSlot next = ready(pool, 2, 2, 1, 0);
    assertThat(queued).as("a READY worker of the next generation gets nothing yet").isEmpty();

    List<WorkerSlot> draining = pool.switchGeneration(2);

    assertThat(draining).containsExactly(old);
    assertThat(old.state()).isEqualTo(WorkerState.DRAINING);
    assertThat(queued).hasSize(1);
    assertThat(queued.get(0).worker()).isEqualTo(next);
    held.release();
    assertThat(old.inflight()).isZero();
    assertThat(pool.snapshot().generation()).isEqualTo(2);
  }

  @Test
  void aWorkerDrainsForRecyclingAfterItsLastAllowedRequest() {
    AppPool pool = pool(10, Duration.ofSeconds(30));
    WorkerSlot w1 = ready(pool, 1, 1, 5, 2);
    WorkerSlot w2 = ready(pool, 2, 1, 5, 0);
    take(pool);
    take(pool);
    assertThat(recycles).isEmpty();
    Lease third = take(pool);

    assertThat(third.worker()).isEqualTo(w1);
    assertThat(w1.state()).isEqualTo(WorkerState.DRAINING);
    assertThat(recycles).containsExactly(w1);
    assertThat(take(pool).worker()).isEqualTo(w2);
    assertThat(take(pool).worker()).isEqualTo(w2);
  }

  @Test
  void aRetryAvoidsTheWorkerThatFailedUnlessItIsTheOnlyOneWithRoom() {
    AppPool pool = pool(10, Duration.ofSeconds(30));
    WorkerSlot w1 = ready(pool, 1, 4);
    WorkerSlot w2 = ready(pool, 2, 1);

    Lease retry = pool.acquire(w1).block(Duration.ofSeconds(1));
    assertThat(retry.worker())
        .as("the other worker, though it is not the least busy tie-break")
        .isEqualTo(w2);
    Lease onlyChoice = pool.acquire(w1).block(Duration.ofSeconds(1));
    assertThat(onlyChoice.worker()).as("w2 is full: w1 is the only one with room").isEqualTo(w1);
  }
}
