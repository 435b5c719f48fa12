package dev.edge.observe;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last {@link #SIZE} samples of a duration, for the percentiles {@code /diagnostics} shows (as
 * rip-server does: the sorted window, {@code sorted[min(floor(n * p), n - 1)]}). Recording is one
 * atomic increment and one array store; percentiles sort a copy, off the hot path.
 */
public final class LatencyWindow {

  /** Samples kept. */
  public static final int SIZE = 1024;

  private final long[] samples = new long[SIZE];
  private final AtomicLong count = new AtomicLong();

  /** Records one sample in nanoseconds. */
  public void record(long nanos) {
    long n = count.getAndIncrement();
    samples[(int) (n & (SIZE - 1))] = nanos;
  }

  /** The p50, p95 and p99 of the window in seconds; zeros when empty. */
  public Percentiles percentiles() {
    int n = (int) Math.min(count.get(), SIZE);
    if (n == 0) {
      return new Percentiles(0, 0, 0);
    }
    long[] sorted = Arrays.copyOf(samples, n);
    Arrays.sort(sorted);
    return new Percentiles(at(sorted, 0.50), at(sorted, 0.95), at(sorted, 0.99));
  }

  private static double at(long[] sorted, double p) {
    int index = Math.min((int) Math.floor(sorted.length * p), sorted.length - 1);
    return sorted[index] / 1e9;
  }

  /**
   * Percentiles in seconds.
   *
   * @param p50 the median
   * @param p95 the 95th percentile
   * @param p99 the 99th percentile
   */
  public record Percentiles(double p50, double p95, double p99) {}
}
