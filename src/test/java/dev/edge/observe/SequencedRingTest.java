package dev.edge.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edge.observe.SequencedRing.Delivery;
import dev.edge.observe.SequencedRing.Entry;
import dev.edge.observe.SequencedRing.Gap;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

class SequencedRingTest {

  @Test
  void numbersRiseFromOneWithNoGapsWhateverThreadAppends() throws Exception {
    SequencedRing<String> ring = new SequencedRing<>(10_000);
    Set<Long> numbers = new ConcurrentSkipListSet<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < 1000; i++) {
                  numbers.add(ring.append("x"));
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    Set<Long> expected = new TreeSet<>();
    for (long n = 1; n <= 4000; n++) {
      expected.add(n);
    }
    assertThat(numbers).isEqualTo(expected);
    assertThat(ring.last()).isEqualTo(4000);
    long previous = 0;
    for (Delivery<String> delivery : ring.after(0, 10_000)) {
      long seq = ((Entry<String>) delivery).seq();
      assertThat(seq).isEqualTo(previous + 1);
      previous = seq;
    }
  }

  @Test
  void afterGivesExactlyTheEntriesAfterTheNumberAndAGapForWhatWasPushedOut() {
    SequencedRing<String> ring = new SequencedRing<>(5);
    for (int i = 1; i <= 12; i++) {
      assertThat(ring.append("v" + i)).isEqualTo(i);
    }
    assertThat(ring.first()).isEqualTo(8);
    assertThat(ring.after(9, 100))
        .containsExactly(new Entry<>(10, "v10"), new Entry<>(11, "v11"), new Entry<>(12, "v12"));
    assertThat(ring.after(12, 100)).isEmpty();
    assertThat(ring.after(7, 100))
        .containsExactly(
            new Entry<>(8, "v8"),
            new Entry<>(9, "v9"),
            new Entry<>(10, "v10"),
            new Entry<>(11, "v11"),
            new Entry<>(12, "v12"));
    assertThat(ring.after(3, 3))
        .containsExactly(new Gap<>(8), new Entry<>(8, "v8"), new Entry<>(9, "v9"));
  }

  @Test
  void aFollowerThatFallsBehindTheRingGetsOneGapAndNeverHoldsUpAppends() throws Exception {
    SequencedRing<String> ring = new SequencedRing<>(4);
    Recorder follower = new Recorder();
    ring.follow(0).subscribe(follower);
    follower.ask(1);
    ring.append("v1");
    follower.await(1);
    for (int i = 2; i <= 11; i++) {
      ring.append("v" + i); // nobody asked for these: appending goes on regardless
    }
    follower.ask(100);
    follower.await(6);
    assertThat(follower.received)
        .containsExactly(
            new Entry<>(1, "v1"),
            new Gap<>(8),
            new Entry<>(8, "v8"),
            new Entry<>(9, "v9"),
            new Entry<>(10, "v10"),
            new Entry<>(11, "v11"));
    ring.append("v12");
    follower.await(7);
    assertThat(follower.received.get(6)).isEqualTo(new Entry<>(12, "v12"));
    ring.close();
    follower.awaitDone();
    assertThat(follower.received).hasSize(7);
  }

  @Test
  void aFollowerStartsAfterItsNumberAndIsCompletedByClose() throws Exception {
    SequencedRing<String> ring = new SequencedRing<>(10);
    ring.append("a");
    ring.append("b");
    Recorder follower = new Recorder();
    ring.follow(1).subscribe(follower);
    follower.ask(Long.MAX_VALUE);
    follower.await(1);
    ring.append("c");
    follower.await(2);
    ring.close();
    follower.awaitDone();
    assertThat(follower.received).containsExactly(new Entry<>(2, "b"), new Entry<>(3, "c"));
  }

  /** Asks for deliveries only when told to, like a client that stopped reading. */
  private static final class Recorder extends BaseSubscriber<Delivery<String>> {
    final List<Delivery<String>> received = new CopyOnWriteArrayList<>();
    final AtomicBoolean done = new AtomicBoolean();

    @Override
    protected void hookOnSubscribe(Subscription subscription) {
      // nothing until asked
    }

    @Override
    protected void hookOnNext(Delivery<String> value) {
      received.add(value);
    }

    @Override
    protected void hookOnComplete() {
      done.set(true);
    }

    void ask(long n) {
      request(n);
    }

    void await(int count) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (received.size() < count) {
        assertThat(System.nanoTime()).as("received %s", received).isLessThan(deadline);
        Thread.sleep(5);
      }
    }

    void awaitDone() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!done.get()) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(5);
      }
    }
  }
}
