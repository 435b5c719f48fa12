package dev.edge.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Many threads at once: never more admitted than the bucket holds, and the table stays sound. */
class RateLimiterConcurrencyTest {

  private static final int THREADS = 8;

  private final ExecutorService threads = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void stop() throws InterruptedException {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @RepeatedTest(5)
  void manyThreadsHammeringOneClientGetExactlyTheLimit() throws Exception {
    RateLimiter limiter =
        new RateLimiter(new RateLimit(1000, Duration.ofSeconds(60)), new TestClock());
    InetAddress client = Addresses.ip("198.51.100.7");
    AtomicInteger allowed = new AtomicInteger();
    AtomicInteger denied = new AtomicInteger();

    runOnAllThreads(
        thread -> {
          for (int i = 0; i < 10_000; i++) {
            (limiter.acquire(client).allowed() ? allowed : denied).incrementAndGet();
          }
        });

    assertThat(allowed.get()).isEqualTo(1000);
    assertThat(denied.get()).isEqualTo(THREADS * 10_000 - 1000);
  }

  @Test
  void manyThreadsOverManyClientsGetExactlyTheLimitForEach() throws Exception {
    int clients = 256;
    RateLimiter limiter =
        new RateLimiter(new RateLimit(100, Duration.ofSeconds(60)), new TestClock());
    AtomicIntegerArray allowed = new AtomicIntegerArray(clients);

    runOnAllThreads(
        thread -> {
          SplittableRandom random = new SplittableRandom(thread);
          for (int i = 0; i < 20_000; i++) {
            int client = random.nextInt(clients);
            if (limiter.acquire(Addresses.ipv4(0xC633_6400 + client)).allowed()) {
              allowed.incrementAndGet(client);
            }
          }
        });

    for (int client = 0; client < clients; client++) {
      assertThat(allowed.get(client)).as("client %d", client).isEqualTo(100);
    }
  }

  @Test
  void manyThreadsRotatingAddressesThroughAFullTableKeepItSound() throws Exception {
    int maxClients = 20_000;
    TestClock clock = new TestClock();
    RateLimiter limiter =
        new RateLimiter(new RateLimit(3, Duration.ofSeconds(60), maxClients), clock);

    runOnAllThreads(
        thread -> {
          SplittableRandom random = new SplittableRandom(thread);
          for (int i = 0; i < 50_000; i++) {
            limiter.acquire(Addresses.ipv4(random.nextInt(200_000)));
            assertThat(limiter.trackedClients()).isLessThanOrEqualTo(maxClients);
          }
        });

    assertThat(limiter.trackedClients()).isEqualTo(maxClients);
    InetAddress fresh = Addresses.ip("2001:db8::99");
    assertThat(limiter.acquire(fresh).remaining()).isEqualTo(2);
    assertThat(limiter.acquire(fresh).remaining()).isEqualTo(1);
  }

  private void runOnAllThreads(ThreadBody body) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> running = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      running.add(
          threads.submit(
              () -> {
                start.await();
                body.run(thread);
                return null;
              }));
    }
    start.countDown();
    for (Future<?> future : running) {
      future.get(60, TimeUnit.SECONDS);
    }
  }

  @FunctionalInterface
  private interface ThreadBody {
    void run(int thread);
  }
}
