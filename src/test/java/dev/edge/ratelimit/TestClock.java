package dev.edge.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A nanosecond clock the test moves by hand; it may start anywhere, even just before overflow. */
final class TestClock implements LongSupplier {

  private final AtomicLong nanos;

  TestClock(long start) {
    nanos = new AtomicLong(start);
  }

  TestClock() {
    this(1_000_000_000_000L);
  }

  void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
  }

  @Override
  public long getAsLong() {
    return nanos.get();
  }
}
