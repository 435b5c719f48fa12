package dev.edge.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A million distinct client addresses (an attacker rotating addresses, or a large NAT-less crowd):
 * the tracked clients never exceed the bound, and the heap the limiter keeps is a fixed few dozen
 * bytes per tracked client, the same after a million addresses as after the table first filled.
 */
class RateLimiterMemoryTest {

  private static final int MAX_CLIENTS = 100_000;
  private static final int DISTINCT = 1_000_000;

  /**
   * Three longs, four ints and up to four bucket ints per client: 56 bytes at most. A design with
   * an object per client (a map entry, a bucket, a retained address) would need 150 or more.
   */
  private static final long MAX_BYTES_PER_CLIENT = 72;

  @Test
  void aMillionDistinctClientsStayWithinTheBoundInTrackedClientsAndHeap() {
    long before = usedHeapAfterGc();
    RateLimiter limiter =
        new RateLimiter(new RateLimit(10, Duration.ofSeconds(60), MAX_CLIENTS), new TestClock());

    for (int n = 0; n < 2 * MAX_CLIENTS; n++) {
      limiter.acquire(Addresses.ipv4(0x0A00_0000 + n));
      if (n % 1000 == 0) {
        assertThat(limiter.trackedClients()).isLessThanOrEqualTo(MAX_CLIENTS);
      }
    }
    assertThat(limiter.trackedClients()).isEqualTo(MAX_CLIENTS);
    long full = usedHeapAfterGc() - before;

    for (int n = 2 * MAX_CLIENTS; n < DISTINCT; n++) {
      limiter.acquire(n % 2 == 0 ? Addresses.ipv4(0x0A00_0000 + n) : ipv6(n));
      if (n % 1000 == 0) {
        assertThat(limiter.trackedClients()).isLessThanOrEqualTo(MAX_CLIENTS);
      }
    }
    long afterMillion = usedHeapAfterGc() - before;

    assertThat(limiter.trackedClients()).isEqualTo(MAX_CLIENTS);
    assertThat(full / MAX_CLIENTS)
        .as("bytes per tracked client (%d bytes for %d clients)", full, MAX_CLIENTS)
        .isLessThanOrEqualTo(MAX_BYTES_PER_CLIENT);
    assertThat(afterMillion - full)
        .as("growth from %d to %d distinct clients", 2 * MAX_CLIENTS, DISTINCT)
        .isLessThan(512 * 1024);
    assertThat(limiter.acquire(Addresses.ipv4(0x0A00_0000 + DISTINCT - 2)).remaining())
        .as("a recent client is still tracked")
        .isEqualTo(8);
  }

  private static java.net.InetAddress ipv6(int n) {
    return Addresses.ip(
        "2001:db8:" + Integer.toHexString(n >>> 16) + "::" + Integer.toHexString(n & 0xFFFF));
  }

  private static long usedHeapAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
    }
    return used;
  }
}
