package dev.edge.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkerTableTest {

  private static final WorkerRow ON_OWNER = new WorkerRow(1, 11, 1, "ready", 0, 5, 0, 3, 2, 100);
  private static final WorkerRow ELSEWHERE = new WorkerRow(1, 11, 1, "ready", 0, 5, 0, 3, -1, 100);

  @Test
  void theOwnersThreadReadsTheTableWhenItIsFree() throws Exception {
    ExecutorService owner = Executors.newSingleThreadExecutor();
    try {
      assertThat(
              WorkerTable.read(owner, () -> List.of(ON_OWNER), () -> List.of(ELSEWHERE))
                  .get(5, TimeUnit.SECONDS))
          .containsExactly(ON_OWNER);
    } finally {
      owner.shutdownNow();
    }
  }

  @Test
  void aBusyOwnerDoesNotHoldTheReaderLongerThanItsPatience() throws Exception {
    ExecutorService owner = Executors.newSingleThreadExecutor();
    CountDownLatch spawning = new CountDownLatch(1);
    owner.execute(
        () -> {
          try {
            spawning.await(); // a spawn that takes as long as the test
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    try {
      long started = System.nanoTime();
      assertThat(
              WorkerTable.read(owner, () -> List.of(ON_OWNER), () -> List.of(ELSEWHERE))
                  .get(10, TimeUnit.SECONDS))
          .containsExactly(ELSEWHERE);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
          .isGreaterThanOrEqualTo(WorkerTable.PATIENCE.toMillis() - 50);
    } finally {
      spawning.countDown();
      owner.shutdownNow();
    }
  }

  @Test
  void aStoppedOwnerIsReadAroundAtOnce() throws Exception {
    ExecutorService owner = Executors.newSingleThreadExecutor();
    owner.shutdown();
    assertThat(
            WorkerTable.read(owner, () -> List.of(ON_OWNER), () -> List.of(ELSEWHERE))
                .get(5, TimeUnit.SECONDS))
        .containsExactly(ELSEWHERE);
  }
}
